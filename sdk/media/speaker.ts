/**
 * The speaker the room is heard on. Knowledgetalk apps put the streams `subscribeVideo` returns into
 * their own <video>/<audio> elements, so the SDK "manages" those: every media element of the page
 * playing a stream we received. Choosing a speaker switches all of them at once, and elements that
 * start playing one of our streams later follow (a capturing `play` listener on the document: media
 * events do not bubble, but they do pass the document in the capture phase).
 */
import { Code, KtError } from '../errors';
import { getLogger } from '../logger';
import { listDevices } from './devices';

const log = getLogger('devices');

type SinkElement = HTMLMediaElement & { sinkId: string; setSinkId(id: string): Promise<void> };

export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export class SpeakerOutput {
  private deviceId?: string;
  private listening = false;

  /** `received`: the streams we currently receive (what "our" elements play). */
  constructor(private readonly received: () => MediaStream[]) {}

  /** Switches every element playing a received stream; resolves with how many were switched. */
  async choose(deviceId: string): Promise<number> {
    if (!canChooseSpeaker()) throw new KtError(Code.NOT_SUPPORTED, 'this browser cannot choose the speaker (no setSinkId)');
    if (deviceId !== '' && !(await listDevices()).speakers.some((d) => d.deviceId === deviceId)) {
      throw new KtError(Code.INVALID_PARAMETER, `no such speaker: ${deviceId}`);
    }
    this.deviceId = deviceId;
    this.listen();
    const elements = this.elements();
    try {
      await Promise.all(elements.map((el) => el.setSinkId(deviceId)));
    } catch (err) {
      throw new KtError(Code.MEDIA_ERROR, `the speaker could not be set: ${String(err)}`);
    }
    return elements.length;
  }

  /** Stops following new elements (disconnect). Elements keep the speaker they have. */
  close(): void {
    if (this.listening) document.removeEventListener('play', this.onPlay, true);
    this.listening = false;
    this.deviceId = undefined;
  }

  private listen(): void {
    if (this.listening || typeof document === 'undefined') return;
    document.addEventListener('play', this.onPlay, true);
    this.listening = true;
  }

  private readonly onPlay = (event: Event): void => {
    const el = event.target as SinkElement;
    if (this.deviceId === undefined || !this.isOurs(el) || el.sinkId === this.deviceId) return;
    el.setSinkId(this.deviceId).catch((err) => log.warn('could not move a media element to the chosen speaker', err));
  };

  private isOurs(el: unknown): el is SinkElement {
    if (typeof HTMLMediaElement === 'undefined' || !(el instanceof HTMLMediaElement)) return false;
    const source = el.srcObject;
    return source instanceof MediaStream && this.received().includes(source);
  }

  private elements(): SinkElement[] {
    if (typeof document === 'undefined') return [];
    return [...document.querySelectorAll('audio, video')].filter((el): el is SinkElement => this.isOurs(el));
  }
}
