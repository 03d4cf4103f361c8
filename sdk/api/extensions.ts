/**
 * The instance's core (its options, its Client, its events as DOM events) and the calls we add
 * beyond the Knowledgetalk API: recording, stats, simulcast quality, audio levels, devices, the
 * speaker, connection quality and state. The Knowledgetalk calls themselves are in
 * ../knowledgetalk.ts, which extends this class. Every call resolves, never throws.
 */
import { Client, type ClientEvents } from '../client';
import { Code } from '../errors';
import { connectJanus } from '../janus/janus-js';
import { getLogger, loggerControl } from '../logger';
import { listDevices } from '../media/devices';
import { SpeakerOutput } from '../media/speaker';
import type {
  AudioLevelsResult,
  ConnectionQuality,
  ConnectionState,
  DevicesResult,
  FeedType,
  KnowledgetalkEventMap,
  KnowledgetalkOptions,
  Member,
  Result,
  SimulcastQuality,
  SpeakerResult,
  StatsResult,
} from '../types';
import type { TypedEventTargetClass } from '../util/typed-events';
import { requireId } from '../util/ids';
import { fail, isPositive, MAX_TEXT, requireFeedType, requireQuality, requireText, serversFrom } from './arguments';
import { result } from './result';

const log = getLogger('api');

/** The Client's events the instance re-dispatches as `CustomEvent`s of the same name. */
const INSTANCE_EVENTS = [
  'presence',
  'disconnected',
  'reconnecting',
  'reconnected',
  'connecting',
  'connected',
  'connectionQuality',
  'connectionStateChanged',
] as const satisfies readonly (keyof ClientEvents)[];

/** The instance's events are typed by KnowledgetalkEventMap (types only: the platform's EventTarget). */
export class KnowledgetalkExtensions extends (EventTarget as TypedEventTargetClass<KnowledgetalkEventMap>) {
  /** Page-wide defaults, for apps that cannot pass options (`Knowledgetalk.defaults.server = ...`). */
  static defaults: { server?: string | string[] } = {};

  /** @internal The SDK's state behind the facade (kept out of the published types). */
  protected readonly client: Client;
  /** @internal The speaker chosen with setSpeaker, applied to the elements playing what we receive. */
  protected readonly speaker: SpeakerOutput;

  constructor(options: KnowledgetalkOptions = {}) {
    super();
    const opts = options && typeof options === 'object' ? options : {};
    if (opts.logLevel !== undefined && !loggerControl.setLevel(opts.logLevel)) log.error('ignored logLevel', opts.logLevel);
    this.client = new Client({
      servers: serversFrom(opts.server ?? (new.target as typeof KnowledgetalkExtensions).defaults.server),
      iceServers: Array.isArray(opts.iceServers) ? opts.iceServers : undefined,
      timeoutMs: isPositive(opts.requestTimeoutMs) ? opts.requestTimeoutMs : 10_000,
      // Under the gateway's reclaim_session_timeout (20 s in gateway-config/janus.jcfg).
      reconnectMs: typeof opts.reconnectMs === 'number' && opts.reconnectMs >= 0 ? opts.reconnectMs : 15_000,
      connect: connectJanus,
    });
    this.speaker = new SpeakerOutput(() => this.client.room?.remote.streams() ?? []);
    for (const name of INSTANCE_EVENTS) {
      this.client.events.on(name, (detail) => this.dispatchEvent(new CustomEvent(name, { detail: detail ?? {} })));
    }
  }

  /**
   * The host's ('413' for anyone else): the gateway records every member's feed, those who publish
   * later included, to its recordings folder (see the README, "Recording"). Everyone in the room
   * gets presence `recording`.
   */
  startRecording(): Promise<Result> {
    return result('startRecording', () => this.client.queued((room) => room.setRecording(true)).then(() => ({})));
  }

  /** The host's: ends the room's recording; the files on the gateway are complete. */
  stopRecording(): Promise<Result> {
    return result('stopRecording', () => this.client.queued((room) => room.setRecording(false)).then(() => ({})));
  }

  /**
   * Quality figures of a feed: bitrate, packet loss, jitter, frame rate and size per kind, and the
   * round-trip time; our own id gives what we send. Takes about half a second: rates are measured
   * over that window.
   */
  getStats(userId: string, type: FeedType = 'cam'): Promise<StatsResult> {
    return result('getStats', async () => {
      const [id, feedType] = [requireId(userId, 'userId'), requireFeedType(type)];
      return { stats: await this.client.now((room) => room.stats(id, feedType)) };
    });
  }

  /** Which simulcast layer of a member's video we receive: 'l' (1/4 size), 'm' (1/2) or 'h' (full); '400' without simulcast. */
  setQuality(userId: string, type: FeedType | undefined, quality: SimulcastQuality): Promise<Result> {
    return result('setQuality', async () => {
      const [id, feedType, substream] = [requireId(userId, 'userId'), requireFeedType(type ?? 'cam'), requireQuality(quality)];
      await this.client.now((room) => room.setQuality(id, feedType, substream));
      return {};
    });
  }

  /**
   * How loud each member we receive is right now: `levels[userId]` from 0 (silence) to 1, linear.
   * Only what the page plays has a level. For an active-speaker view, poll it.
   */
  getRemoteAudioLevels(): Promise<AudioLevelsResult> {
    return result('getRemoteAudioLevels', async () => ({ levels: this.client.now((room) => room.audioLevels()) }));
  }

  /**
   * The cameras, microphones and speakers. Until the page may capture (permission given, or a
   * device captured), browsers hide them (entries without id or label, left out here). Firefox
   * answers only while the page has the focus (it waits for it): ask from a user's click.
   */
  getDevices(): Promise<DevicesResult> {
    return result('getDevices', async () => listDevices());
  }

  /** Sends another camera in place of the published one, without renegotiation; the old one stops. */
  switchCamera(deviceId: string): Promise<Result> {
    return switchDevice(this.client, 'switchCamera', 'video', deviceId);
  }

  /** Sends another microphone in place of the published one, without renegotiation; the old one stops. */
  switchMicrophone(deviceId: string): Promise<Result> {
    return switchDevice(this.client, 'switchMicrophone', 'audio', deviceId);
  }

  /**
   * Plays everything we receive on this speaker: every media element of the page showing a stream
   * the SDK returned, now and later. `elements`: how many were switched. '501' where the browser
   * cannot choose (no `setSinkId`).
   */
  setSpeaker(deviceId: string): Promise<SpeakerResult> {
    return result('setSpeaker', async () => {
      if (typeof deviceId !== 'string' || deviceId.length > MAX_TEXT) fail(Code.INVALID_PARAMETER, "deviceId must be a speaker's id ('' for the default)");
      return { elements: await this.speaker.choose(deviceId) };
    });
  }

  /**
   * The connection quality of a feed, as the last `connectionQuality` event said: 'excellent' |
   * 'good' | 'poor' | 'lost', or undefined before the first measurement (or for anything that is
   * not a feed we send or receive). No userId, or ours: what we send.
   */
  getConnectionQuality(userId?: string, type: FeedType = 'cam'): ConnectionQuality | undefined {
    if (userId !== undefined && userId !== null && typeof userId !== 'string') return undefined;
    if (type !== 'cam' && type !== 'screen') return undefined;
    return this.client.room?.connectionQuality(userId ?? undefined, type);
  }

  /** 'disconnected' | 'connecting' | 'connected' | 'reconnecting'; changes fire `connectionStateChanged`. */
  getConnectionState(): ConnectionState {
    return this.client.connectionState;
  }

  /** Members of the current room, ourselves included (as in joinRoom's result). */
  getMembers(): Record<string, Member> | undefined {
    return this.client.room?.membersWithSelf();
  }
}

function switchDevice(client: Client, op: string, kind: 'audio' | 'video', deviceId: unknown): Promise<Result> {
  return result(op, async () => {
    const id = requireText(deviceId, 'deviceId', MAX_TEXT);
    await client.queued((room) => room.switchDevice(kind, id));
    return {};
  });
}
