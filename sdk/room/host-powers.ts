/**
 * What the host may do to a room: kick a member out, destroy the room, record it. The gateway is
 * the judge: every request carries the room secret, and Janus refuses it without the right one
 * ('413'); the SDK's own "are you the host" checks only give the friendlier error first.
 */
import type { Messenger } from '../messaging/messenger';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import { RoomRecording } from './recording';

/** Destroys a room and its text room: the one way a room goes, from inside or outside it. */
export async function destroyRoom(control: VideoRoomHandle, messenger: Messenger, roomId: string, secret: string | undefined): Promise<void> {
  await control.destroy(roomId, secret);
  await messenger.destroyRoom(roomId, secret);
}

export interface HostPowerDeps {
  /** The instance's handle for synchronous VideoRoom requests. */
  control: VideoRoomHandle;
  messenger: Messenger;
  roomId: string;
  /** The room secret, when we created the room. */
  secret?: string;
  log: Logger;
}

export class HostPowers {
  readonly recording: RoomRecording;

  constructor(
    private readonly deps: HostPowerDeps,
    recording: boolean,
    onRecordingChange: (recording: boolean) => void,
  ) {
    const { control, roomId, secret } = deps;
    this.recording = new RoomRecording({ control, roomId, secret, onChange: onRecordingChange }, recording);
  }

  kick(userId: string): Promise<void> {
    const { control, roomId, secret } = this.deps;
    return control.kick(roomId, userId, secret);
  }

  destroy(): Promise<void> {
    const { control, messenger, roomId, secret } = this.deps;
    return destroyRoom(control, messenger, roomId, secret);
  }

  /** After we left a room that asked for it: destroy it if it is empty. Only the host holds the secret, so a room emptied by a guest stays (see the README). */
  async destroyIfEmpty(): Promise<void> {
    const { control, roomId, secret, log } = this.deps;
    if (secret === undefined) return;
    try {
      if ((await control.listParticipants(roomId)).length === 0) {
        await this.destroy();
        log.debug('destroyed the empty room');
      }
    } catch (err) {
      // Someone else destroyed it first, or the gateway is gone: nothing left to clean.
      log.debug('auto-destroy skipped', err);
    }
  }
}
