/**
 * What we do to a handle's RTCPeerConnection directly, beside janus.js: recycling m-lines,
 * encodings, and letting go of a closed connection.
 */
import type { LocalTrackSpec } from './types';

export function isSimulcast(spec: LocalTrackSpec): boolean {
  return (spec.encodings?.length ?? 0) > 1;
}

export function transceiverOf(pc: RTCPeerConnection | undefined, mid: string): RTCRtpTransceiver | undefined {
  return pc?.getTransceivers().find((t) => t.mid === mid);
}

/**
 * Stops sending on some mids (their m-lines go `inactive`) and adds tracks, each on a transceiver
 * of its own. Changes are made on the PeerConnection itself (janus.js would stop the app's tracks
 * it removes); janus.js then only creates and sets the offer, so its own SDP state stays right.
 * Never `transceiver.stop()`: Chrome then reuses the m-line under a new mid, Janus keeps the old
 * one, and the PeerConnection can no longer renegotiate.
 */
export async function changeSenders(pc: RTCPeerConnection, { add = [], stop = [] }: { add?: LocalTrackSpec[]; stop?: string[] }): Promise<void> {
  for (const mid of stop) {
    const transceiver = transceiverOf(pc, mid);
    if (!transceiver) continue;
    await transceiver.sender.replaceTrack(null);
    transceiver.direction = 'inactive';
  }
  for (const spec of add) {
    const { kind, track } = spec;
    // Recycle an m-line we stopped earlier (Janus re-enables a stream whose m-line sends again),
    // so start/stop cycles do not grow the SDP. An m-line's number of encodings is fixed, so a
    // simulcast track never takes a plain one.
    const idle = isSimulcast(spec)
      ? undefined
      : pc.getTransceivers().find((t) => t.direction === 'inactive' && t.mid !== null && !stop.includes(t.mid) && t.receiver.track.kind === kind);
    if (idle) {
      await idle.sender.replaceTrack(track);
      idle.direction = 'sendonly';
    } else {
      pc.addTransceiver(track, { direction: 'sendonly', ...(isSimulcast(spec) ? { sendEncodings: spec.encodings } : {}) });
    }
  }
}

/**
 * Applies a single-encoding spec (a bitrate cap) to the senders of these tracks. janus.js takes
 * `sendEncodings` only on its simulcast path, so a single encoding is set once the sender exists.
 */
export async function applyEncodings(pc: RTCPeerConnection | undefined, tracks: LocalTrackSpec[]): Promise<void> {
  for (const spec of tracks) {
    if (!spec.encodings || isSimulcast(spec)) continue;
    const sender = pc?.getSenders().find((s) => s.track === spec.track);
    if (!sender) continue;
    const params = sender.getParameters();
    if (params.encodings.length === 0) continue; // before negotiation: nothing to change yet
    params.encodings = params.encodings.map((e, i) => (i === 0 ? { ...e, ...spec.encodings![0] } : e));
    await sender.setParameters(params);
  }
}

/** The mid of each local track being sent. */
export function localMids(pc: RTCPeerConnection | undefined): Map<MediaStreamTrack, string> {
  const mids = new Map<MediaStreamTrack, string>();
  for (const t of pc?.getTransceivers() ?? []) {
    if (t.sender.track && t.mid !== null) mids.set(t.sender.track, t.mid);
  }
  return mids;
}

const PC_HANDLERS = [
  'onicecandidate',
  'onicecandidateerror',
  'ontrack',
  'ondatachannel',
  'onnegotiationneeded',
  'onsignalingstatechange',
  'oniceconnectionstatechange',
  'onicegatheringstatechange',
  'onconnectionstatechange',
] as const;

/**
 * Chromium keeps a PeerConnection closed while ICE gathering is still running alive from its own
 * C++ side (a heap snapshot of the 100-cycle leak test shows it retained by
 * RTCPeerConnection::ChangeIceGatheringState). The handlers janus.js set on it, and on its remote
 * tracks, would keep their closures (and through them our handle) alive with it: drop them.
 */
export function dropHandlers(pc: RTCPeerConnection | undefined): void {
  if (!pc || pc.signalingState !== 'closed') return;
  for (const name of PC_HANDLERS) pc[name] = null;
  for (const t of pc.getTransceivers()) {
    const track = t.receiver.track;
    track.onended = null;
    track.onmute = null;
    track.onunmute = null;
  }
}
