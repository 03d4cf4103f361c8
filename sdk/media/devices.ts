/**
 * The browser's cameras, microphones and speakers: listing them, capturing one, and hearing about
 * changes. Nothing here talks to the gateway; the room sends what this captures.
 */
import { Code, KtError } from '../errors';
import type { DeviceLists } from '../types';

function mediaDevices(): MediaDevices {
  const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  // Absent outside a secure context (http on another host than localhost), and outside browsers.
  if (!devices) throw new KtError(Code.NOT_SUPPORTED, 'media devices are not available here (a secure context is needed)');
  return devices;
}

/** Labels are empty until the page has had camera or microphone permission (browser privacy rule). */
export async function listDevices(): Promise<DeviceLists> {
  const all = await mediaDevices().enumerateDevices();
  const of = (kind: MediaDeviceKind) =>
    all.filter((d) => d.kind === kind && d.deviceId !== '').map(({ deviceId, label, groupId }) => ({ deviceId, label, groupId }));
  return { cameras: of('videoinput'), microphones: of('audioinput'), speakers: of('audiooutput') };
}

/**
 * Captures one camera or microphone. `like`: the track it replaces, whose capture constraints
 * (size, frame rate, echo cancellation...) the new one is opened with, as the app asked for them;
 * a device that cannot meet them is opened with its own defaults rather than refused.
 */
export async function captureTrack(kind: 'audio' | 'video', deviceId: string, like?: MediaStreamTrack): Promise<MediaStreamTrack> {
  const devices = mediaDevices();
  const open = (constraints: MediaTrackConstraints) => devices.getUserMedia({ [kind]: constraints });
  const device = { deviceId: { exact: deviceId } };
  const { deviceId: _d, groupId: _g, ...asked } = like?.getConstraints() ?? {};
  let stream: MediaStream;
  try {
    stream = await open({ ...asked, ...device }).catch((err) =>
      (err as { name?: string })?.name === 'OverconstrainedError' && Object.keys(asked).length > 0 ? open(device) : Promise.reject(err),
    );
  } catch (err) {
    throw captureError(err, deviceId);
  }
  const track = stream.getTracks().find((t) => t.kind === kind);
  if (!track) throw new KtError(Code.MEDIA_ERROR, `no ${kind} track from ${deviceId}`);
  return track;
}

function captureError(err: unknown, deviceId: string): KtError {
  const name = (err as { name?: string })?.name;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new KtError(Code.INVALID_PARAMETER, `no such device: ${deviceId}`);
  if (name === 'NotAllowedError' || name === 'SecurityError') return new KtError(Code.NOT_PERMITTED, 'the user or the page refused the device');
  return new KtError(Code.MEDIA_ERROR, `the device could not be opened: ${String(err)}`);
}

/** Calls `onChange` with fresh lists whenever the browser reports a device change; returns the stop. */
export function watchDevices(onChange: (lists: DeviceLists) => void, onError: (err: unknown) => void): () => void {
  let devices: MediaDevices;
  try {
    devices = mediaDevices();
  } catch {
    return () => {};
  }
  const listener = () => listDevices().then(onChange, onError);
  devices.addEventListener('devicechange', listener);
  return () => devices.removeEventListener('devicechange', listener);
}
