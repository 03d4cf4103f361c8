/**
 * One connection to the gateway: the Janus session, its control handle (room management), the
 * message channel, and the room we are in. Opened and closed as a whole; after a gateway restart
 * a new one replaces it (client.ts).
 */
import type { ConnectOptions, GatewaySession, SessionEvents } from '../janus/types';
import { attachVideoRoom, type VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import { Messenger } from '../messaging/messenger';
import { RoomDirectory } from '../room/directory';
import type { Self } from '../room/enter';
import type { Room } from '../room/room';

export interface Connection {
  session: GatewaySession;
  /** A VideoRoom handle for the synchronous requests (room management). */
  control: VideoRoomHandle;
  messenger: Messenger;
  directory: RoomDirectory;
  self: Self;
  room?: Room;
}

export interface OpenOptions extends ConnectOptions {
  connect: (options: ConnectOptions) => Promise<GatewaySession>;
  /** How long each request may take (the connection's own attempt has `timeoutMs`). */
  requestTimeoutMs: number;
  log: Logger;
  /** Called with the session's events, bound to this connection. */
  on: { [K in keyof SessionEvents]: (connection: Connection, event: SessionEvents[K]) => void };
}

export async function openConnection(self: Self, options: OpenOptions): Promise<Connection> {
  const { connect, servers, token, iceServers, timeoutMs, requestTimeoutMs, log, on } = options;
  const session = await connect({ servers, token, iceServers, timeoutMs });
  let control: VideoRoomHandle;
  try {
    control = await attachVideoRoom(session, requestTimeoutMs);
  } catch (err) {
    await session.destroy();
    throw err;
  }
  // Set up in the background: joinRoom waits for it only if it is not ready by then.
  const messenger = new Messenger({ attach: (plugin) => session.attach(plugin), userId: self.userId, timeoutMs: requestTimeoutMs });
  const connection: Connection = { session, control, messenger, self, directory: new RoomDirectory(control, messenger, log) };
  session.events.on('dropped', (e) => on.dropped(connection, e));
  session.events.on('refused', (e) => on.refused(connection, e));
  return connection;
}

/** Leaves the room (or, when the gateway forgot us, just frees it) and frees everything. */
export async function closeConnection(connection: Connection | undefined, { leave = true } = {}, log?: Logger): Promise<void> {
  if (!connection) return;
  const { room, messenger, session } = connection;
  connection.room = undefined;
  if (room) await (leave ? room.leave() : room.abandon()).catch((err) => log?.warn('leaving during disconnect failed', err));
  await messenger.close();
  await session.destroy();
}
