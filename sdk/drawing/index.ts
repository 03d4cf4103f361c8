/**
 * What the SDK loads the first time an app draws or shows a document (dist/lazy/drawing.mjs, with
 * the board engine, Yjs and perfect-freehand inside): the board bound to the gateway
 * (board-session.ts), canvas images between members (canvas-image.ts) and documents' pages
 * (document-pages.ts). The room holds a DrawingLink (room/drawing-link.ts) that forwards to it.
 * Imports of the rest of the SDK are types, or small helpers that are bundled in.
 */
import type { ShareView } from '../janus/guard-views';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { Envelope } from '../messaging/envelope';
import type { PresenceDetail } from '../types';
import { BoardSession } from './board-session';
import { CanvasImages } from './canvas-image';
import { DocumentPages } from './document-pages';

export type { ToolChoice } from './board-session';

export interface DrawingDeps {
  roomId: string;
  userId: string;
  control: VideoRoomHandle;
  send: (body: Envelope, to: string) => Promise<void>;
  onPresence: (detail: PresenceDetail) => void;
  log: Logger;
}

export class Drawing {
  readonly board: BoardSession;
  readonly images: CanvasImages;
  readonly documents: DocumentPages;

  constructor(deps: DrawingDeps) {
    const { roomId, userId, control, send, onPresence, log } = deps;
    this.board = new BoardSession({ roomId, userId, control, log });
    this.images = new CanvasImages({ roomId, board: this.board, send, onPresence, log });
    this.documents = new DocumentPages(this.board, log);
  }

  /** The room's share: its board, and for a document the page it shows. */
  shareChanged(share: ShareView | null): void {
    this.board.shareChanged(share);
    if (share?.document) void this.documents.show(share.document.url, share.document.page);
  }

  close(): void {
    this.board.close();
    this.images.close();
    this.documents.close();
  }
}

export function openDrawing(deps: DrawingDeps): Drawing {
  return new Drawing(deps);
}
