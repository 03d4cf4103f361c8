/**
 * One connection to the gateway: the Janus session, its control handle (room management, messages,
 * who we are), and the room we are in. Opened and closed as a whole; after a gateway restart a new
 * one replaces it (client.ts).
 */
import type { ConnectOptions, GatewaySession, SessionEvents } from '../janus/types';
import { attachVideoRoom, type VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import { RoomDirectory } from '../room/directory';
import type { Self } from '../room/enter';
import type { Room } from '../room/room';
import type { Identity } from '../janus/guard-views';

export interface Connection {
  session: GatewaySession;
  /** A VideoRoom handle for the synchronous requests (room management). */
  control: VideoRoomHandle;
  directory: RoomDirectory;
  self: Self;
  room?: Room;
  /** The gateway's file store, when it has one (joinRoom's `fileServerUrl`). */
  fileServerUrl?: string;
}

export interface OpenOptions extends ConnectOptions {
  connect: (options: ConnectOptions) => Promise<GatewaySession>;
  /** How long each request may take (the connection's own attempt has `timeoutMs`). */
  requestTimeoutMs: number;
  /** Called with the session's events, bound to this connection. */
  on: { [K in keyof SessionEvents]: (connection: Connection, event: SessionEvents[K]) => void } & {
    /** Our user id signed in elsewhere with init's `forced`: the guard ends this session. */
    replaced: (connection: Connection) => void;
  };
  /** init's `forced`: take over from any other session of this user id. */
  forced?: boolean;
}

/**
 * Connects, attaches the control handle and asks the guard who we are: `wanted` is the app's
 * choice of id and name (`init`), which the development profile binds to this session; a signed
 * token's user wins over it. The Self of the connection is the guard's answer.
 */
export async function openConnection(wanted: Self, options: OpenOptions): Promise<Connection> {
  const { connect, servers, token, iceServers, timeoutMs, requestTimeoutMs, on, forced } = options;
  const session = await connect({ servers, token, iceServers, timeoutMs });
  let control: VideoRoomHandle;
  let identity: Identity;
  try {
    control = await attachVideoRoom(session, requestTimeoutMs);
    identity = await control.whoami({ id: wanted.userId, ...(wanted.name === '' ? {} : { name: wanted.name }), ...(forced ? { forced } : {}) });
  } catch (err) {
    await session.destroy();
    throw err;
  }
  const self = { ...wanted, userId: identity.id, name: identity.name || wanted.name };
  const connection: Connection = { session, control, self, directory: new RoomDirectory(control), fileServerUrl: identity.files };
  // The guard says it on every handle of the session: the control handle hears it in or out of a room.
  control.events.on('message', ({ data }) => {
    if (data.videoroom === 'kt_replaced') on.replaced(connection);
  });
  session.events.on('dropped', (e) => on.dropped(connection, e));
  session.events.on('refused', (e) => on.refused(connection, e));
  return connection;
}

/** Leaves the room (or, when the gateway forgot us, just frees it) and frees everything. */
export async function closeConnection(connection: Connection | undefined, { leave = true } = {}, log?: Logger): Promise<void> {
  if (!connection) return;
  const { room, session } = connection;
  connection.room = undefined;
  if (room) await (leave ? room.leave() : room.abandon()).catch((err) => log?.warn('leaving during disconnect failed', err));
  await session.destroy();
}
