/**
 * Room-wide recording (extension): the gateway writes every member's feed to .mjr files in its
 * recordings folder (gateway-config: JANUS_RECORDINGS_DIR), until the host stops it.
 *
 * Why room-wide (VideoRoom `enable_recording`) and not a publisher's own `configure {record,
 * filename}`: `filename` is a path on the gateway chosen by the client, which clients must not
 * choose; and our rooms are created with `lock_record`, so only the holder of the room secret
 * (the host) may change recording at all. Who is recorded is then "everyone in the room,
 * including members who publish later" (Janus starts their recorders when their media starts),
 * which is what members are told.
 *
 * Why members read the state back from the gateway: Janus 1.1.2 tells nobody but the caller that
 * a room's recording changed. The host sends a notice over the message channel; a member takes
 * it as a cue to read the room's `record` flag from the gateway's room list, never as the truth
 * itself, so a modified client cannot make the others believe they are not (or are) recorded.
 */
import type { ListedRoom, VideoRoomHandle } from '../janus/videoroom';

export interface RecordingDeps {
  /** The instance's handle for synchronous VideoRoom requests (list, enable_recording). */
  control: VideoRoomHandle;
  roomId: string;
  /** The room secret, when we are its host: Janus demands it to change recording. */
  secret?: string;
  /** The room's recording state changed (as the gateway has it). */
  onChange: (recording: boolean) => void;
}

/** Whether the gateway records a room, from its entry in the room list (absent: no). */
export const isRecorded = (listed: ListedRoom | undefined): boolean => listed?.record === true;

export class RoomRecording {
  constructor(
    private readonly deps: RecordingDeps,
    private recording: boolean,
  ) {}

  get active(): boolean {
    return this.recording;
  }

  /** Turns the room's recording on or off at the gateway ('413' without the room secret). */
  async set(record: boolean): Promise<void> {
    const { control, roomId, secret } = this.deps;
    const answer = await control.enableRecording(roomId, record, secret);
    this.update(answer === record ? record : isRecorded(await control.find(roomId)));
  }

  /** Reads the state from the gateway; announces it when it changed. */
  async refresh(): Promise<void> {
    this.update(isRecorded(await this.deps.control.find(this.deps.roomId)));
  }

  private update(recording: boolean): void {
    if (recording === this.recording) return;
    this.recording = recording;
    this.deps.onChange(recording);
  }
}
