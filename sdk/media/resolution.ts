/** The camera sizes `publishVideo`'s `resolution` option asks for. */
import { getLogger } from '../logger';

const log = getLogger('devices');

/** What `publishVideo`'s `resolution` asks the camera for. */
export const RESOLUTIONS = { sd: { width: 640, height: 480 }, hd: { width: 1280, height: 720 }, fhd: { width: 1920, height: 1080 } };
export type Resolution = keyof typeof RESOLUTIONS;

/** Asks each video track of the stream for that size. */
export async function applyResolution(stream: MediaStream, resolution: Resolution): Promise<void> {
  const { width, height } = RESOLUTIONS[resolution];
  for (const track of stream.getVideoTracks()) {
    // Ideals: a camera that cannot give this size keeps sending what it can.
    await track.applyConstraints({ ...track.getConstraints(), width: { ideal: width }, height: { ideal: height } }).catch((err) => {
      log.warn(`the camera refused ${resolution}`, err);
    });
  }
}
