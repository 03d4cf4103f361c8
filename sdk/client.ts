/**
 * The SDK's state behind the Knowledgetalk facade: one gateway connection per instance, one room
 * at a time. Methods throw KtError; the facade turns that into result codes.
 *
 * Everything that belongs to one connection lives in one `Connection` object, replaced as a whole:
 * a call that was in flight when the connection went (disconnect, a rebuild) notices that the
 * connection it started on is no longer the instance's and backs out. The connection state and
 * its changes are kept by connection/state.ts; what happens after a dropped connection is decided
 * by connection/reconnect.ts.
 */
import mitt from 'mitt';
import { closeConnection, openConnection, type Connection } from './connection/connection';
import { reclaimSession } from './connection/reconnect';
import { ConnectionStateMachine } from './connection/state';
import { Code, KtError } from './errors';
import type { ConnectGateway } from './janus/types';
import { getLogger } from './logger';
import type { CreateRoomParams, RoomDirectory } from './room/directory';
import type { Self } from './room/enter';
import { Room, type RoomSnapshot } from './room/room';
import { joinResultOf } from './room/join-result';
import type { ConnectionState, InstanceEvents, JoinedRoom, Member, Success } from './types';
import { AsyncQueue } from './util/async-queue';
import { generateId } from './util/ids';
import { sleep } from './util/wait';

const log = getLogger('client');

export interface ClientOptions {
  servers: string[];
  iceServers?: RTCIceServer[];
  timeoutMs: number;
  /** How long a dropped connection is retried before the instance gives up (`disconnected`). */
  reconnectMs: number;
  connect: ConnectGateway;
}

/** The Client's events are the instance's (types.ts). */
export type ClientEvents = InstanceEvents;

export type { CreateRoomParams };

export class Client {
  readonly events = mitt<ClientEvents>();
  private readonly state = new ConnectionStateMachine();
  private connection?: Connection;
  /** Who we are, from init to disconnect: it outlives a connection rebuilt after a gateway restart. */
  private self?: Self;
  /** Room-changing calls run one at a time, so a leave cannot overtake the join it undoes. */
  private readonly ops = new AsyncQueue();
  /** The token init was given: a session re-created after a gateway restart needs it again. */
  private token = '';
  /** The rooms this instance created: what it creates again after a gateway restart (and so stays their host). */
  private readonly created = new Map<string, CreateRoomParams>();

  constructor(private readonly options: ClientOptions) {
    this.state.events.on('change', (detail) => this.events.emit('connectionStateChanged', detail));
  }

  get connectionState(): ConnectionState {
    return this.state.state;
  }

  get userId(): string | undefined {
    return this.self?.userId;
  }

  get name(): string | undefined {
    return this.self?.name;
  }

  get roomId(): string | undefined {
    return this.connection?.room?.id;
  }

  /** `forced`: this user id takes over from any other session of it (which is disconnected). */
  init(userId: string | undefined, name: string, device: string, token: string, forced = false): Promise<string> {
    return this.ops.run(async () => {
      if (this.state.state !== 'disconnected') throw new KtError(Code.BAD_REQUEST, 'already initialised: call disconnect() first');
      this.state.set('connecting');
      // disconnect() meanwhile moves the state on: then this init backs out.
      const stillConnecting = () => this.state.state === 'connecting';
      this.events.emit('connecting', { progress: 0, step: 'connecting to the gateway' });
      let connection: Connection;
      try {
        connection = await this.connect(token, { userId: userId ?? generateId('U'), name, device, video: true, audio: true }, this.options.timeoutMs, forced);
      } catch (err) {
        if (stillConnecting()) this.state.set('disconnected', String(err));
        throw err;
      }
      this.events.emit('connecting', { progress: 30, step: 'connected to the gateway' });
      if (!stillConnecting()) {
        await connection.session.destroy();
        throw new KtError(Code.BAD_REQUEST, 'disconnected while connecting');
      }
      this.token = token;
      this.connection = connection;
      this.self = connection.self;
      this.state.set('connected');
      log.info('connected, session', connection.session.id, 'user', connection.self.userId);
      return connection.self.userId;
    });
  }

  private connect(token: string, self: Self, timeoutMs: number, forced = false): Promise<Connection> {
    const { servers, iceServers, connect, timeoutMs: requestTimeoutMs } = this.options;
    return openConnection(self, {
      connect,
      servers,
      token,
      iceServers,
      timeoutMs,
      requestTimeoutMs,
      forced,
      on: {
        dropped: (connection, { reason }) => void this.onDropped(connection, reason),
        refused: (connection, { reason }) => this.onLost(connection, reason),
        replaced: (connection) => this.onReplaced(connection),
      },
    });
  }

  /** Our user id signed in elsewhere with `forced`: out of the room, and disconnected for good. */
  private onReplaced(connection: Connection): void {
    if (this.connection !== connection) return;
    const room = connection.room;
    if (room) this.events.emit('presence', { eventOp: 'presence', roomId: room.id, type: 'kickOut', user: connection.self.userId, reason: 'replaced' });
    this.onLost(connection, 'this user id signed in elsewhere (init with forced)');
  }

  createVideoRoom(params: CreateRoomParams): Promise<string> {
    return this.ops.run(async () => {
      await this.connected().directory.create(params);
      this.created.set(params.roomId, params);
      return params.roomId;
    });
  }

  joinRoom(roomId: string, pin?: string): Promise<Success<JoinedRoom>> {
    return this.ops.run(async () => {
      const connection = this.connected();
      if (connection.room) {
        if (connection.room.id === roomId) throw new KtError(Code.ALREADY_IN_ROOM, `already in ${roomId}`);
        throw new KtError(Code.BAD_REQUEST, `already in room ${connection.room.id}: leave it first`);
      }
      const room = await this.enter(connection, roomId, pin);
      if (this.connection !== connection) {
        await room.leave().catch(() => {});
        throw new KtError(Code.BAD_REQUEST, 'disconnected while joining');
      }
      connection.room = room;
      this.events.emit('connecting', { progress: 100, step: 'in the room' });
      this.events.emit('connected', { roomId, members: room.membersWithSelf() });
      // After the caller's `await joinRoom()` continues, announce who already publishes.
      setTimeout(() => {
        if (connection.room === room) room.initialFeeds.forEach((p) => this.events.emit('presence', p));
      }, 0);
      return joinResultOf(room, connection.fileServerUrl);
    });
  }

  private enter(connection: Connection, roomId: string, pin: string | undefined): Promise<Room> {
    const { session, control, self } = connection;
    return Room.join({
      session,
      control,
      roomId,
      pin,
      self,
      timeoutMs: this.options.timeoutMs,
      log: getLogger('room', { room: roomId, user: self.userId }),
      onPresence: (detail) => this.events.emit('presence', detail),
      onProgress: (progress, step) => this.events.emit('connecting', { progress, step }),
      onQuality: (detail) => this.events.emit('connectionQuality', detail),
      onRemoved: () => {
        if (connection.room?.id === roomId) connection.room = undefined;
      },
    });
  }

  leaveRoom(roomId: string): Promise<void> {
    return this.ops.run(async () => {
      const connection = this.connected();
      const room = connection.room;
      if (!room || room.id !== roomId) throw new KtError(Code.BAD_REQUEST, `not in room ${roomId}`);
      connection.room = undefined;
      await room.leave();
    });
  }

  /** Rooms from outside (create, read, edit, destroy): '400' before init. */
  directory(): RoomDirectory {
    return this.connected().directory;
  }

  /** The room we are in, if any (for reads: streams, members, levels). */
  get room(): Room | undefined {
    return this.connection?.room;
  }

  /** A call on our room, after the room-changing calls before it (a publish waits for the join). */
  queued<T>(call: (room: Room) => Promise<T>): Promise<T> {
    return this.ops.run(async () => call(this.inRoom()));
  }

  /**
   * A call on our room at once: subscriptions batch among themselves, and a quality change or a
   * message must not wait behind a publish.
   */
  now<T>(call: (room: Room) => T): T {
    return call(this.inRoom());
  }

  /** Changes our name and camera/microphone switches; in a room, the others' view of us too. */
  editUserInfo(change: Partial<Pick<Self, 'name' | 'video' | 'audio'>>, broadcast: boolean, target?: string): Promise<void> {
    return this.ops.run(async () => {
      const { self, room } = this.connected();
      if (room) await room.announceUserInfo(change, broadcast, target);
      else Object.assign(self, change);
    });
  }

  /** Members of our room, or of another room as the gateway lists them. */
  memberList(roomId: string): Promise<Record<string, Member>> {
    const { room, directory } = this.connected();
    return room?.id === roomId ? Promise.resolve(room.membersWithSelf()) : directory.members(roomId);
  }

  destroyRoom(roomId: string): Promise<void> {
    return this.ops.run(async () => {
      const connection = this.connected();
      const room = connection.room?.id === roomId ? connection.room : undefined;
      // Outside the room, only the guard knows whether we are its host ('413' from it if not).
      if (room && !room.isHost) throw new KtError(Code.NOT_PERMITTED, 'only the host may destroy the room');
      if (room) {
        await room.destroy();
        connection.room = undefined;
      } else {
        await connection.directory.destroy(roomId);
      }
      this.created.delete(roomId);
    });
  }

  /** Leaves everything and frees the session; safe to call at any time, any number of times. */
  async disconnect(reason = 'disconnect() was called'): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.self = undefined;
    this.state.set('disconnected', reason);
    // Host rights end with the connection: a later init, maybe as someone else, starts without them.
    this.created.clear();
    await closeConnection(connection, {}, log);
  }

  /** The connection dropped: reclaim the session, or rebuild it after a gateway restart, or give up. */
  private async onDropped(connection: Connection, reason: string): Promise<void> {
    if (this.connection !== connection || this.state.state !== 'connected') return;
    this.state.set('reconnecting', reason);
    this.events.emit('reconnecting', { reason });
    const { reconnectMs, timeoutMs } = this.options;
    const outcome = reconnectMs > 0 ? await reclaimSession(connection.session, { reconnectMs, timeoutMs, stop: () => this.connection !== connection }) : 'lost';
    if (this.connection !== connection) return;
    if (outcome === 'reclaimed') {
      // Events of the outage were not delivered: bring the member table up to date, then say so.
      await connection.room?.resync().catch((err) => log.warn('resync after reconnecting failed', err));
      if (this.connection !== connection) return;
      this.state.set('connected');
      this.events.emit('reconnected', undefined);
    } else if (outcome === 'restarted') {
      await this.rebuild(connection);
    } else {
      this.onLost(connection, reason);
    }
  }

  private onLost(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    log.error('gateway connection lost:', reason);
    void this.disconnect(reason);
    this.events.emit('disconnected', { reason });
  }

  /**
   * The gateway restarted: our session, handles and rooms are gone from it. Build everything again
   * as the app had it: a new session, the room (re-created if we created it and it is gone, with
   * the same secret, so we stay its host), our published streams, and our subscriptions, whose
   * tracks go into the MediaStreams the app already holds, so its video elements resume by
   * themselves. Members who come back are announced with the usual presence.
   */
  private async rebuild(old: Connection): Promise<void> {
    const snapshot = old.room?.snapshot();
    this.connection = undefined;
    await closeConnection(old, { leave: false }, log);
    const { reconnectMs } = this.options;
    let fresh: Connection | undefined;
    // Only disconnect() moves the state away from 'reconnecting' meanwhile: then we stop.
    const cancelled = () => this.state.state !== 'reconnecting';
    try {
      fresh = await this.connect(this.token, old.self, reconnectMs);
      if (cancelled()) return void (await fresh.session.destroy());
      this.connection = fresh;
      if (snapshot) await this.reenter(fresh, snapshot, Date.now() + reconnectMs);
      if (cancelled()) return;
      log.info('rebuilt after a gateway restart', snapshot ? `room ${snapshot.roomId}` : '');
      this.state.set('connected');
      this.events.emit('reconnected', undefined);
    } catch (err) {
      if (cancelled()) return;
      log.error('could not rebuild after a gateway restart', err);
      const reason = `the gateway restarted and the session could not be rebuilt: ${String(err)}`;
      this.connection = fresh;
      void this.disconnect(reason);
      this.events.emit('disconnected', { reason });
    }
  }

  /**
   * Enters the room again, sends what we sent and receives what we received. Its creator makes the
   * room again if it is gone; anyone else waits for the creator to (everyone comes back in their
   * own time), until `deadline`.
   */
  private async reenter(connection: Connection, snapshot: RoomSnapshot, deadline: number): Promise<void> {
    const params = this.created.get(snapshot.roomId);
    let room: Room | undefined;
    while (!room) {
      try {
        room = await this.enter(connection, snapshot.roomId, snapshot.pin);
      } catch (err) {
        if (!(err instanceof KtError) || err.code !== Code.NO_SUCH_ROOM) throw err;
        if (params) await connection.directory.create(params);
        else if (Date.now() > deadline) throw err;
        else await sleep(500);
      }
    }
    if (this.connection !== connection) return void (await room.leave());
    connection.room = room;
    const { reconnectMs } = this.options;
    for (const { userId, type, stream } of snapshot.received) room.remote.receiveInto(userId, type, stream, reconnectMs);
    for (const [type, stream, options] of snapshot.sent) await room.publish(type, stream, options);
    room.initialFeeds.forEach((p) => this.events.emit('presence', p));
  }

  private connected(): Connection {
    if (!this.connection) throw new KtError(Code.BAD_REQUEST, 'not initialised: call init() first');
    return this.connection;
  }

  private inRoom(): Room {
    const { room } = this.connected();
    if (!room) throw new KtError(Code.BAD_REQUEST, 'not in a room: call joinRoom() first');
    return room;
  }
}
