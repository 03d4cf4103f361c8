/**
 * What the host may do to a room: kick a member out, destroy the room, record it. The guard is the
 * judge: it holds the room secret and knows who the host is (the creator, or a signed host), and
 * refuses anyone else ('413'). The SDK's own "are you the host" check only gives that answer
 * without a round trip. A room created to go when empty goes whoever leaves last: the guard does
 * that too.
 */
import type { VideoRoomHandle } from '../janus/videoroom';
import { RoomRecording } from './recording';

export class HostPowers {
  readonly recording: RoomRecording;

  constructor(
    private readonly control: VideoRoomHandle,
    private readonly roomId: string,
    recording: boolean,
    onRecordingChange: (recording: boolean) => void,
  ) {
    this.recording = new RoomRecording({ control, roomId, onChange: onRecordingChange }, recording);
  }

  kick(userId: string): Promise<void> {
    return this.control.kick(this.roomId, userId);
  }

  destroy(): Promise<void> {
    return this.control.destroy(this.roomId);
  }
}
