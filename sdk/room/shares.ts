/**
 * The room's one share at a time (a screen, the whiteboard, or a document) as the guard holds it,
 * turned into Knowledgetalk presence (`whiteboard`, `document`, `documentShare`, `shareStop`); what
 * a share shows on our canvas (its board, a document's page) is the drawing part's (drawing-link.ts).
 *
 * A screen's presence (`publish`, `screen`, `shareStop`) comes from Janus's own events
 * (presence.ts); here a screen share only gives the board drawn over it.
 */
import { Code, KtError } from '../errors';
import type { ShareType, ShareView } from '../janus/guard-views';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { PresenceDetail } from '../types';
import type { DrawingLink } from './drawing-link';
import { loads } from '../util/document-url';

export interface SharesDeps {
  roomId: string;
  selfId: string;
  control: VideoRoomHandle;
  drawing: DrawingLink;
  onPresence: (detail: PresenceDetail) => void;
}

export class RoomShares {
  private share: ShareView | null;

  constructor(
    private readonly deps: SharesDeps,
    initial: ShareView | null,
  ) {
    this.share = initial;
    deps.drawing.shareChanged(initial);
  }

  get current(): ShareView | null {
    return this.share;
  }

  /** '440' while someone else shares anything, or we share something else than `type`. */
  assertFree(type: ShareType): void {
    const s = this.share;
    if (s && (s.user !== this.deps.selfId || s.type !== type)) throw new KtError(Code.ALREADY_SHARING, `${s.user} is sharing (${s.type})`);
  }

  /** whiteBoardStart / documentStart: takes the room's share ('440', '413' without the permit: the guard's). */
  async start(type: 'whiteboard' | 'document'): Promise<void> {
    this.assertFree(type);
    this.apply(await this.deps.control.share(this.deps.roomId, type));
  }

  /** documentShare: what everyone sees now (our document share, started with documentStart). */
  async show(url: string, page: number): Promise<void> {
    const s = this.share;
    if (!s || s.type !== 'document' || s.user !== this.deps.selfId) throw new KtError(Code.BAD_REQUEST, 'call documentStart first');
    if (s.document?.url !== url && !(await loads(url))) throw new KtError(Code.NOT_FOUND, `${url} does not load`);
    this.apply(await this.deps.control.share(this.deps.roomId, 'document', { url, page }));
    this.deps.onPresence({ eventOp: 'presence', roomId: this.deps.roomId, type: 'documentShare', user: this.deps.selfId, img: url, page });
  }

  /** shareStop of a whiteboard or document (ours; the host: anyone's). Whether one ended. */
  stop(): Promise<boolean> {
    return this.deps.control.shareStop(this.deps.roomId);
  }

  /** After our screen went out: the share (and the board to draw over it) the guard gave it. */
  async refresh(): Promise<void> {
    const { share } = await this.deps.control.boardState(this.deps.roomId);
    this.apply(share);
  }

  /** The guard's `kt_share`: a share started or turned a page (`share`), or ended (`ended`). */
  changed(share: ShareView | null, ended: ShareView | null): void {
    const before = this.share;
    const { roomId } = this.deps;
    const base = { eventOp: 'presence' as const, roomId };
    if (share && share.type !== 'screen' && before?.board !== share.board) {
      this.deps.onPresence({ ...base, type: share.type, user: share.user });
    }
    const doc = share?.document;
    if (share && doc && (before?.document?.url !== doc.url || before?.document?.page !== doc.page)) {
      this.deps.onPresence({ ...base, type: 'documentShare', user: share.user, img: doc.url, page: doc.page });
    }
    this.apply(share);
    if (!share && ended && ended.type !== 'screen') this.deps.onPresence({ ...base, type: 'shareStop', user: ended.user });
  }

  private apply(share: ShareView | null): void {
    this.share = share;
    this.deps.drawing.shareChanged(share);
  }
}
