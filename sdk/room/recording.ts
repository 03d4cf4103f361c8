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
import { asSecretError } from '../errors';
import type { PluginHandle } from '../gateway/types';
import { listOf } from '../util/list-of';

export interface RecordingDeps {
  /** The instance's handle for synchronous VideoRoom requests (list, enable_recording). */
  control: PluginHandle;
  roomId: string;
  /** The room secret, when we are its host: Janus demands it to change recording. */
  secret?: string;
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

  /** Turns the room's recording on or off at the gateway ('413' without the room secret). */
  async set(record: boolean): Promise<void> {
    const { control, roomId, secret } = this.deps;
    const answer = await control
      .send({ request: 'enable_recording', room: roomId, record, ...(secret === undefined ? {} : { secret }) })
      .catch(asSecretError);
    this.update(answer?.record === record ? record : await isRoomRecording(control, roomId));
  }

  /** Reads the state from the gateway; announces it when it changed. */
  async refresh(): Promise<void> {
    this.update(await isRoomRecording(this.deps.control, this.deps.roomId));
  }

  private update(recording: boolean): void {
    if (recording === this.recording) return;
    this.recording = recording;
    this.deps.onChange(recording);
  }
}

/** Whether the gateway records a room: the `record` flag of its entry in the room list. */
export async function isRoomRecording(control: PluginHandle, roomId: string): Promise<boolean> {
  return recordFlagOf(await control.send({ request: 'list' }), roomId);
}

/** The `record` flag of a room in a VideoRoom `list` answer (false when it is not listed). */
export function recordFlagOf(list: unknown, roomId: string): boolean {
  return listOf(list, 'list').find((r) => r.room === roomId)?.record === true;
}
