/**
 * Room-wide recording (extension): the gateway writes every member's feed to .mjr files in its
 * recordings folder (gateway-config: JANUS_RECORDINGS_DIR), until the host stops it.
 *
 * Why room-wide (VideoRoom `enable_recording`) and not a publisher's own `configure {record,
 * filename}`: `filename` is a path on the gateway chosen by the client, which clients must not
 * choose (the guard refuses it); and rooms are created with `lock_record`, so only the holder of
 * the room secret (the guard, for the host) may change recording at all. Who is recorded is then
 * "everyone in the room, including members who publish later" (Janus starts their recorders when
 * their media starts), which is what members are told.
 *
 * Why members read the state back from the gateway: Janus 1.1.2 tells nobody but the caller that
 * a room's recording changed. The host sends a notice to the room; a member takes it as a cue to
 * read the room's state from the guard, never as the truth itself, so a modified client cannot
 * make the others believe they are not (or are) recorded.
 */
import type { VideoRoomHandle } from '../janus/videoroom';

export interface RecordingDeps {
  /** The instance's handle for synchronous VideoRoom requests (room info, enable_recording). */
  control: VideoRoomHandle;
  roomId: string;
  /** The room's recording state changed (as the gateway has it). */
  onChange: (recording: boolean) => void;
}

export class RoomRecording {
  constructor(
    private readonly deps: RecordingDeps,
    private recording: boolean,
  ) {}

  get active(): boolean {
    return this.recording;
  }

  /** Turns the room's recording on or off at the gateway ('413' for anyone but the host). */
  async set(record: boolean): Promise<void> {
    const { control, roomId } = this.deps;
    const answer = await control.enableRecording(roomId, record);
    this.update(answer === record ? record : (await control.roomInfo(roomId)).recording);
  }

  /** Reads the state from the gateway; announces it when it changed. */
  async refresh(): Promise<void> {
    this.update((await this.deps.control.roomInfo(this.deps.roomId)).recording);
  }

  private update(recording: boolean): void {
    if (recording === this.recording) return;
    this.recording = recording;
    this.deps.onChange(recording);
  }
}
