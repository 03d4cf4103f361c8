/**
 * The Knowledgetalk calls for teaching (web/share.md, web/room.md#permit, web/group.md): the
 * whiteboard and drawing, documents, canvas images, permits, room info and breakout groups, plus
 * the older getters (web/variable.md). The rules that protect one member from another (who may
 * draw, share, chat; who is host) are the gateway guard's; the checks here only answer sooner.
 *
 * Knowledgetalk answers some of these synchronously (canvasInit, drawingInit, setTool...): they
 * return what the original returns and never throw; the drawing part they drive is loaded the
 * first time a canvas is given (sdk/drawing/, dist/lazy/drawing.mjs).
 */
import type { Client } from '../client';
import { Code, KtError } from '../errors';
import { getLogger } from '../logger';
import type { Failure, GroupResult, Result, ShapeType, ShareType, Tool, UploadResult } from '../types';
import { requireId } from '../util/ids';
import { optionalCapacity, optionalText } from './arguments';
import { optionalIdList, permitFrom, requireCanvas, requireDocumentUrl, requirePage } from './drawing-arguments';
import type { ToolChoice } from '../drawing/index';
import { KnowledgetalkExtensions } from './extensions';
import { result } from './result';

const log = getLogger('api');

/** A synchronous call's body: its value, or `fallback` (logged) when it fails. */
function sync<T>(op: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    log.warn(`${op}:`, err instanceof Error ? err.message : err);
    return fallback;
  }
}

export class KnowledgetalkClassroom extends KnowledgetalkExtensions {
  /** The host's: what `target` may do; at least one of the five ('421'). Everyone's Member.permit follows. */
  permit(
    target: string,
    chat?: boolean | null,
    draw?: boolean | null,
    screen?: boolean | null,
    whiteboard?: boolean | null,
    document?: boolean | null,
  ): Promise<Result> {
    return result('permit', async () => {
      const id = requireId(target, 'target');
      const patch = permitFrom([chat, draw, screen, whiteboard, document]);
      await this.client.queued((room) => room.classroom.permit(id, patch));
      return {};
    });
  }

  /** The host's: the room's title, capacity, or a new host (a member); everyone gets presence `editRoomInfo`. */
  editRoomInfo(roomId: string, title?: string | null, capacity?: number | null, host?: string | null): Promise<Result> {
    return result('editRoomInfo', async () => {
      const room = requireId(roomId, 'roomId');
      const change = {
        title: optionalText(title, 'title'),
        capacity: capacity === undefined || capacity === null ? undefined : (optionalCapacity(capacity) ?? undefined),
        host: host === undefined || host === null ? undefined : requireId(host, 'host'),
      };
      if (change.title === undefined && change.capacity === undefined && change.host === undefined) throw missing('one of title, capacity or host');
      await this.client.directory().edit(room, change);
      return {};
    });
  }

  /** Starts the whiteboard on `canvas` for everyone (presence `whiteboard`); drawing is on. */
  async whiteBoardStart(canvas: HTMLCanvasElement): Promise<boolean> {
    return (await startShare(this.client, 'whiteBoardStart', 'whiteboard', canvas)).code === Code.OK;
  }

  /** Starts sharing documents on `canvas` (presence `document`); then documentShare shows one. */
  documentStart(canvas: HTMLCanvasElement): Promise<Result> {
    return startShare(this.client, 'documentStart', 'document', canvas);
  }

  /** Shows an image (or a PDF's first page) to everyone: presence `documentShare` with `img`. */
  documentShare(imgUrl: string): Promise<Result> {
    return result('documentShare', async () => {
      const url = requireDocumentUrl(imgUrl);
      await this.client.queued((room) => room.classroom.shares.show(url, 1));
      return {};
    });
  }

  /**
   * Extension: stores an image or a PDF (a Blob or File) in the gateway's file store and resolves
   * with its `url`, for documentShare. Needs the `document` permit; the gateway checks the type by
   * its bytes (PNG, JPEG, GIF, WebP, PDF: else '422') and the size (20 MiB a file: '445').
   */
  uploadDocument(file: Blob, name?: string): Promise<UploadResult> {
    return result('uploadDocument', async () => {
      if (file === undefined || file === null) throw missing('file');
      if (typeof Blob === 'undefined' || !(file instanceof Blob)) throw new KtError(Code.INVALID_PARAMETER, 'file must be a Blob or File');
      const fileName = optionalText(name, 'name') ?? (typeof File !== 'undefined' && file instanceof File ? file.name : 'document');
      return { url: await this.client.queued((room) => room.classroom.upload(file, fileName)) };
    });
  }

  /** Extension: turns the shared PDF to `page` for everyone (presence `documentShare` with `page`). */
  documentPage(page: number): Promise<Result> {
    return result('documentPage', async () => {
      const n = requirePage(page);
      await this.client.queued(async (room) => {
        const url = room.classroom.shares.current?.document?.url;
        if (!url) throw missing('a shared document (documentShare first)');
        await room.classroom.shares.show(url, n);
      });
      return {};
    });
  }

  /** The board shows on `canvas`: what is shared now (a late joiner's way in), and what follows. */
  canvasInit(canvas: HTMLCanvasElement): void {
    sync('canvasInit', undefined, () => {
      const target = requireCanvas(canvas);
      this.client.now((room) => room.classroom.drawing.attach(target));
    });
  }

  /** Drawing on the canvas with the mouse or touch; false without a canvas or the host's `draw` permit. */
  drawingInit(): boolean {
    return sync('drawingInit', false, () => this.client.now((room) => room.classroom.may('draw') && room.classroom.drawing.setDrawing(true)));
  }

  /** Ends drawing with the mouse or touch on the canvas (the board still shows what others draw). */
  drawingStop(): boolean {
    return sync('drawingStop', false, () => this.client.now((room) => room.classroom.drawing.setDrawing(false)));
  }

  /** pen (type 'highlight': a marker), crayon, eraser, shape (a ShapeType; default square), pointer, textbox (width: font size). */
  setTool(tool: Tool, color?: string, strokeWidth?: number, type?: ShapeType | 'highlight'): void {
    sync('setTool', undefined, () => {
      // Checked by the board engine when it is there (a wrong tool is logged, and changes nothing).
      const choice = [tool, color, strokeWidth, type] as ToolChoice;
      this.client.now((room) => room.classroom.drawing.setTool(choice));
    });
  }

  /** Clears the board's current page for everyone. */
  canvasClear(): void {
    sync('canvasClear', undefined, () => this.client.now((room) => room.classroom.drawing.clear()));
  }

  /** Extension: undoes our own last stroke, for everyone. */
  canvasUndo(): boolean {
    return sync('canvasUndo', false, () => this.client.now((room) => room.classroom.drawing.undo()));
  }

  /** Extension: redoes our own last undone stroke, for everyone. */
  canvasRedo(): boolean {
    return sync('canvasRedo', false, () => this.client.now((room) => room.classroom.drawing.redo()));
  }

  /** Asks `target` for its canvas: it gets presence `reqCanvasImage`, we `updateImage` (drawn on our canvas). */
  reqCanvasImage(target: string): Promise<Result> {
    return result('reqCanvasImage', async () => {
      const id = requireId(target, 'target');
      await this.client.now((room) => {
        if (!room.members.has(id)) throw noSuchUser(id);
        return room.classroom.drawing.requestImage(id);
      });
      return {};
    });
  }

  /** The host's: a breakout group; the members on `list` get presence `createGroup` (and move themselves). */
  createGroup(list?: string[], title?: string): Promise<GroupResult> {
    return result('createGroup', async () => {
      const ids = optionalIdList(list);
      const name = optionalText(title, 'title');
      return { groupId: await this.client.queued((room) => room.classroom.createGroup(ids, name)) };
    });
  }

  /** The host's, in the main room: ends a group; who is still in it gets presence `endGroup`. */
  endGroup(groupId: string): Promise<Result> {
    return result('endGroup', async () => {
      const id = requireId(groupId, 'groupId');
      await this.client.queued((room) => room.classroom.endGroup(id));
      return {};
    });
  }

  /** What is shared in the room now: 'screen', 'whiteboard', 'document', or undefined. */
  getShareType(): ShareType | undefined {
    return this.client.room?.classroom.shares.current?.type ?? (this.client.room?.streamOf('screen') ? 'screen' : undefined);
  }

  /** Whether the room is relayed by the media server (createVideoRoom: true; createRoom's 1:1: false). */
  isMedia(): boolean {
    const room = this.client.room;
    return room ? !room.meta.p2p : false;
  }

  /**
   * Our PeerConnections by whose media they carry: our own id for what we send; each member we
   * receive for the one that receives it (one PeerConnection receives every member's feeds).
   */
  getAllPeers(): Record<string, RTCPeerConnection> {
    const room = this.client.room;
    if (!room) return {};
    const [sending, receiving] = [room.publisherConnection(), room.subscriberConnection()];
    const selfId = this.client.userId;
    return Object.fromEntries(
      Object.keys(room.allStreams()).flatMap((id): [string, RTCPeerConnection][] => {
        if (id === 'screen') return [];
        const pc = id === selfId ? sending : receiving;
        return pc ? [[id, pc]] : [];
      }),
    );
  }

  /** The PeerConnection that carries `id`'s media (see getAllPeers). */
  getPeer(id: string): RTCPeerConnection | undefined {
    return typeof id === 'string' ? this.getAllPeers()[id] : undefined;
  }

  /** The original's socket.io socket has no counterpart here: janus.js owns its WebSocket ('501'). */
  getSocket(): Failure {
    return { code: Code.NOT_SUPPORTED, reason: "the gateway connection is janus.js's own WebSocket and is not exposed" };
  }

  /** The original's read-only properties. */
  get userId(): string | undefined {
    return this.client.userId;
  }

  get streams(): Record<string, MediaStream> {
    return this.client.room?.allStreams() ?? {};
  }

  /** The art-class calls the docs mark unused (web/drawingClass.md): not built; false, as a failure there. */
  drawingClassStart(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Not built (the docs mark it unused): false. */
  drawingShareStart(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Not built (the docs mark it unused): false. */
  drawingShareStop(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Not built (the docs mark it unused): false. */
  drawingClassStop(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** whiteBoardStart / documentStart: the room's share, shown and drawn on `canvas`. */
function startShare(client: Client, op: string, type: 'whiteboard' | 'document', canvas: unknown): Promise<Result> {
  return result(op, async () => {
    const target = requireCanvas(canvas);
    await client.queued((room) => room.classroom.startShare(type, target));
    return {};
  });
}

const missing = (what: string) => new KtError(Code.MISSING_PARAMETER, `${what} is required`);
const noSuchUser = (id: string) => new KtError(Code.NO_SUCH_USER, `${id} is not in the room`);
