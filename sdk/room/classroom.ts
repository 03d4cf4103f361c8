/**
 * What a room has for teaching, on top of the call: the one share at a time (shares.ts) and what
 * it shows on our canvas (drawing-link.ts: the board, canvas images, documents, loaded when used),
 * and what the host decides for the others, as the guard tells every member: permits, the room's
 * title, capacity and host (editRoomInfo), breakout groups. Each guard event becomes state here
 * and the presence the app sees.
 */
import { Code, KtError, type ResponseCode } from '../errors';
import type { MemberView, Permit, RoomView } from '../janus/guard-views';
import type { RoomEvent } from '../janus/videoroom-events';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { PresenceDetail } from '../types';
import { DrawingLink } from './drawing-link';
import type { Self } from './enter';
import type { MemberTable } from './members';
import { RoomShares } from './shares';

export interface ClassroomDeps {
  roomId: string;
  self: Self;
  control: VideoRoomHandle;
  members: MemberTable;
  /** The room as the guard held it when we joined; editRoomInfo changes it. */
  meta: RoomView;
  onPresence: (detail: PresenceDetail) => void;
  log: Logger;
}

export class Classroom {
  readonly drawing: DrawingLink;
  readonly shares: RoomShares;

  constructor(private readonly deps: ClassroomDeps) {
    const { roomId, self, control, onPresence, log } = deps;
    this.drawing = new DrawingLink({ roomId, userId: self.userId, control, send: (body, to) => control.message(roomId, body, to), onPresence, log });
    this.shares = new RoomShares({ roomId, selfId: self.userId, control, drawing: this.drawing, onPresence }, deps.meta.share);
  }

  /** A guard event about the room (the others are Janus's, presence.ts). */
  onEvent(e: RoomEvent): void {
    const { roomId, onPresence } = this.deps;
    const base = { eventOp: 'presence' as const, roomId };
    switch (e.name) {
      case 'share':
        return this.shares.changed(e.share, e.ended);
      case 'board':
        return this.drawing.remote(e);
      case 'member':
        return this.memberChanged(e.member);
      case 'roomChanged':
        return this.roomChanged(e.room);
      case 'group':
        return onPresence({ ...base, type: 'createGroup', user: e.from, groupId: e.group, title: e.title });
      case 'groupEnd':
        return onPresence({ ...base, type: 'endGroup', groupId: e.group, mainRoomId: e.main });
    }
  }

  /** whiteBoardStart / documentStart: takes the room's share ('440'; the permit: '413'), shows it on `canvas`, drawing on. */
  async startShare(type: 'whiteboard' | 'document', canvas: HTMLCanvasElement): Promise<void> {
    await this.shares.start(type);
    this.drawOn(canvas);
  }

  /** The board on `canvas`, drawing on when we may draw (also screenStart's canvas). */
  drawOn(canvas: HTMLCanvasElement): void {
    this.drawing.attach(canvas);
    this.drawing.setDrawing(this.may('draw'));
  }

  /** The host's: what `target` (a member) may do. The guard is the judge; this is the friendly answer. */
  async permit(target: string, patch: Partial<Permit>): Promise<void> {
    this.assertHost('permit');
    if (target !== this.deps.self.userId && !this.deps.members.has(target)) throw new KtError(Code.NO_SUCH_USER, `${target} is not in the room`);
    await this.deps.control.permit(this.deps.roomId, target, patch);
  }

  /** The host's: a breakout group; the members on `list` are told (presence `createGroup`). */
  createGroup(list: string[], title?: string): Promise<string> {
    this.assertHost('create groups');
    if (this.deps.meta.parent !== null) throw new KtError(Code.MISMATCH, 'a group cannot have groups');
    return this.deps.control.createGroup(this.deps.roomId, list, title);
  }

  /** The host's, in the main room: ends one of its groups (its members get presence `endGroup`). */
  endGroup(groupId: string): Promise<void> {
    this.assertHost('end groups');
    return this.deps.control.endGroup(this.deps.roomId, groupId);
  }

  /**
   * Stores a file (an image or a PDF) in the gateway's file store for documentShare: a ticket from
   * the guard (the `document` permit, size and type limits are its store's), then the bytes over
   * HTTP. Resolves with the file's address, readable by whoever has it.
   */
  async upload(file: Blob, name: string): Promise<string> {
    const { ticket, url } = await this.deps.control.upload(this.deps.roomId, name, file.size);
    const res = await fetch(url, { method: 'POST', headers: { 'x-kt-ticket': ticket }, body: file });
    const answer = (await res.json().catch(() => ({}))) as { code?: string; url?: string; path?: string; reason?: string };
    if (answer.code !== Code.OK || !(answer.url || answer.path))
      throw new KtError((answer.code as ResponseCode) ?? Code.SERVER_ERROR, answer.reason ?? `upload answered ${res.status}`);
    // Absolute when the gateway knows its public address, else a path on it.
    return new URL((answer.url ?? answer.path)!, url).href;
  }

  /** What we may do in the room now (the guard's word; absent before it said: everything). */
  may(what: keyof Permit): boolean {
    return this.deps.self.userType === 'host' || this.deps.self.permit?.[what] !== false;
  }

  close(): void {
    this.drawing.close();
  }

  /** The host's permit (or the host role) changed for a member, maybe us. */
  private memberChanged(view: MemberView): void {
    const { self, members, roomId, onPresence } = this.deps;
    const before = view.id === self.userId ? self.permit : members.get(view.id)?.permit;
    // Other members' views go into the table with presence.ts's `member` case.
    if (view.id === self.userId) {
      self.permit = view.permit;
      self.userType = view.userType;
    }
    if (before && PERMIT_CHANGED(before, view.permit)) onPresence({ eventOp: 'presence', roomId, type: 'permit', user: view.id, permit: { ...view.permit } });
  }

  private assertHost(what: string): void {
    if (this.deps.self.userType !== 'host') throw new KtError(Code.NOT_PERMITTED, `only the host may ${what}`);
  }

  private roomChanged(room: RoomView): void {
    const { meta, members, roomId, onPresence } = this.deps;
    meta.title = room.title;
    meta.capacity = room.capacity;
    meta.host = room.host;
    members.host = room.host;
    onPresence({ eventOp: 'presence', roomId, type: 'editRoomInfo', title: room.title, capacity: room.capacity, host: room.host });
  }
}

const PERMIT_CHANGED = (a: MemberView['permit'], b: MemberView['permit']): boolean => (Object.keys(b) as (keyof typeof b)[]).some((k) => a[k] !== b[k]);
