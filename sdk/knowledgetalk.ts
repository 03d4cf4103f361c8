/**
 * The public facade: the Knowledgetalk API, nothing else. Arguments are checked by api/arguments.ts
 * and outcomes turned into result codes by api/result.ts.
 * Every call resolves (never throws, never rejects); failures carry a code from SPEC §2.
 */
import {
  fail,
  isPositive,
  MAX_MESSAGE,
  MAX_TEXT,
  optionalBitrate,
  optionalBoolean,
  optionalCapacity,
  optionalObject,
  optionalResolution,
  optionalRoomId,
  optionalSecret,
  optionalText,
  requireBoolean,
  requireFeedType,
  requireJson,
  requireStream,
  requireText,
  serversFrom,
  SUBSTREAMS,
} from './api/arguments';
import { result, succeeded } from './api/result';
import { Client } from './client';
import { Code } from './errors';
import { connectJanus } from './gateway/janus-gateway';
import { getLogger, loggerControl } from './logger';
import { listDevices, watchDevices, type DeviceLists } from './media/devices';
import { applyResolution } from './media/resolution';
import { SpeakerOutput } from './media/speaker';
import type { FeedStats } from './room/feed-stats';
import type {
  ConnectionQuality,
  InitResult,
  JoinResult,
  KnowledgetalkOptions,
  Member,
  MembersResult,
  Result,
  RoomResult,
} from './types';
import { optionalId, requireId } from './util/ids';

const log = getLogger('api');

export class Knowledgetalk extends EventTarget {
  /** Page-wide defaults, for apps that cannot pass options (`Knowledgetalk.defaults.server = ...`). */
  static defaults: { server?: string | string[] } = {};
  /** `Knowledgetalk.logger.setLevel('trace'|'debug'|'info'|'error'|'off')`. */
  static readonly logger = loggerControl;
  static readonly codes = Code;

  private readonly client: Client;
  /** The speaker chosen with setSpeaker, applied to the elements playing what we receive. */
  private readonly speaker: SpeakerOutput;
  /** Set while initialised: the `devicechange` listener's removal. */
  private stopWatchingDevices?: () => void;

  constructor(options: KnowledgetalkOptions = {}) {
    super();
    const opts = options && typeof options === 'object' ? options : {};
    if (opts.logLevel !== undefined && !loggerControl.setLevel(opts.logLevel)) log.error('ignored logLevel', opts.logLevel);
    this.client = new Client({
      servers: serversFrom(opts.server ?? Knowledgetalk.defaults.server),
      iceServers: Array.isArray(opts.iceServers) ? opts.iceServers : undefined,
      timeoutMs: isPositive(opts.requestTimeoutMs) ? opts.requestTimeoutMs : 10_000,
      // Under the gateway's reclaim_session_timeout (20 s in gateway-config/janus.jcfg).
      reconnectMs: typeof opts.reconnectMs === 'number' && opts.reconnectMs >= 0 ? opts.reconnectMs : 15_000,
      connect: connectJanus,
    });
    this.speaker = new SpeakerOutput(() => this.client.receivedStreams());
    this.client.events.on('presence', (detail) => this.dispatchEvent(new CustomEvent('presence', { detail })));
    this.client.events.on('disconnected', (detail) => this.dispatchEvent(new CustomEvent('disconnected', { detail })));
    this.client.events.on('reconnecting', (detail) => this.dispatchEvent(new CustomEvent('reconnecting', { detail })));
    this.client.events.on('reconnected', () => this.dispatchEvent(new CustomEvent('reconnected', { detail: {} })));
    this.client.events.on('connecting', (detail) => this.dispatchEvent(new CustomEvent('connecting', { detail })));
    this.client.events.on('connected', (detail) => this.dispatchEvent(new CustomEvent('connected', { detail })));
    this.client.events.on('connectionQuality', (detail) => this.dispatchEvent(new CustomEvent('connectionQuality', { detail })));
  }

  init(cpCode?: unknown, authKey?: unknown, id?: unknown, name?: unknown, device?: unknown): Promise<InitResult> {
    return result('init', async () => {
      requireText(cpCode, 'cpCode');
      const token = requireText(authKey, 'authKey');
      const userId = id === undefined || id === null ? undefined : requireId(id, 'id');
      const userName = optionalText(name, 'name') ?? userId ?? '';
      const deviceName = optionalText(device, 'device') ?? '';
      const joined = await this.client.init(userId, userName, deviceName, token);
      this.stopWatchingDevices ??= watchDevices(
        (lists) => this.dispatchEvent(new CustomEvent('devicechange', { detail: lists })),
        (err) => log.warn('listing devices after a change failed', err),
      );
      return { userId: joined };
    });
  }

  disconnect(): Promise<void> {
    this.stopWatchingDevices?.();
    this.stopWatchingDevices = undefined;
    this.speaker.close();
    return this.client.disconnect().catch((err) => log.error('disconnect', err));
  }

  /**
   * `options` (extension): `pin` to make joining need it, `secret` to choose the room secret that
   * makes you its host at the gateway (generated when absent; kept by this instance).
   */
  createVideoRoom(
    roomId?: unknown,
    title?: unknown,
    capacity?: unknown,
    destroy: unknown = true,
    talkingNoty: unknown = false,
    options?: unknown,
  ): Promise<RoomResult> {
    return this.create('createVideoRoom', { roomId, title, capacity, destroy, talkingNoty, options, p2p: false });
  }

  /** The original's 1:1 ("P2P") room: here a two-member room on the same SFU. */
  createRoom(roomId?: unknown, title?: unknown, capacity: unknown = 2, destroy: unknown = true, options?: unknown): Promise<RoomResult> {
    return this.create('createRoom', { roomId, title, capacity, destroy, talkingNoty: false, options, p2p: true });
  }

  private create(op: string, args: Record<'roomId' | 'title' | 'capacity' | 'destroy' | 'talkingNoty' | 'options', unknown> & { p2p: boolean }) {
    return result(op, async () => {
      const options = optionalObject(args.options, 'options');
      const params = {
        roomId: optionalId(args.roomId, 'roomId', 'R'),
        title: optionalText(args.title, 'title') ?? '',
        capacity: optionalCapacity(args.capacity),
        destroy: requireBoolean(args.destroy, 'destroy'),
        talkingNoty: requireBoolean(args.talkingNoty, 'talkingNoty'),
        p2p: args.p2p,
        pin: optionalSecret(options.pin, 'options.pin'),
        secret: optionalSecret(options.secret, 'options.secret'),
      };
      return { roomId: await this.client.createVideoRoom(params) };
    });
  }

  /** `pin` (extension): the room's PIN, when it was created with one ('401' if wrong or missing). */
  joinRoom(roomId?: unknown, pin?: unknown): Promise<JoinResult> {
    return result('joinRoom', async () => {
      const { code: _ok, ...joined } = await this.client.joinRoom(requireId(roomId, 'roomId'), optionalSecret(pin, 'pin'));
      return joined;
    });
  }

  /** The original SDK's spelling, kept for apps written against it. */
  joinroom(roomId?: unknown, pin?: unknown): Promise<JoinResult> {
    return this.joinRoom(roomId, pin);
  }

  leaveRoom(roomId?: unknown): Promise<Result> {
    return result('leaveRoom', async () => {
      await this.client.leaveRoom(requireId(roomId, 'roomId'));
      return {};
    });
  }

  /**
   * `options` (extension): `simulcast` sends three layers receivers choose from (setQuality);
   * `maxBitrate` caps the video (bits/s); `resolution` 'sd' | 'hd' | 'fhd' asks the camera for
   * 640×480, 1280×720 or 1920×1080 (as ideals: a camera that cannot keep its own size).
   */
  publishVideo(type?: unknown, stream?: unknown, options?: unknown): Promise<boolean> {
    return succeeded('publishVideo', async () => {
      const feedType = requireFeedType(type);
      const media = requireStream(stream);
      const opts = optionalObject(options, 'options');
      const resolution = optionalResolution(opts.resolution);
      const publishOptions = {
        simulcast: optionalBoolean(opts.simulcast, 'options.simulcast'),
        maxBitrate: optionalBitrate(opts.maxBitrate),
      };
      if (resolution) await applyResolution(media, resolution);
      await this.client.publish(feedType, media, publishOptions);
    });
  }

  async subscribeVideo(userId?: unknown, type: unknown = 'cam'): Promise<MediaStream | false> {
    let stream: MediaStream | undefined;
    await result('subscribeVideo', async () => {
      stream = await this.client.subscribe(requireId(userId, 'userId'), requireFeedType(type));
      return {};
    });
    return stream ?? false;
  }

  /** Stops receiving a member's feed; the stream subscribeVideo returned for it ends. */
  removePeer(userId?: unknown, type: unknown = 'cam'): Promise<boolean> {
    return succeeded('removePeer', async () => {
      await this.client.unsubscribe(requireId(userId, 'userId'), requireFeedType(type));
    });
  }

  /** Stops sending a feed (the original's name for the sending side of a 1:1 peer). */
  removeLocalPeer(peerId?: unknown, type: unknown = 'cam'): Promise<boolean> {
    return succeeded('removeLocalPeer', async () => {
      if (peerId !== undefined && peerId !== null) requireId(peerId, 'peerId');
      await this.client.unpublish(requireFeedType(type));
    });
  }

  /** Sends another camera/microphone in place of the published one, without renegotiation. */
  changeLocalStream(stream?: unknown): Promise<boolean> {
    return succeeded('changeLocalStream', async () => {
      await this.client.replaceCamera(requireStream(stream));
    });
  }

  /** Shares a screen next to the camera; one sharer per room ('440' while someone else shares). */
  screenStart(stream?: unknown): Promise<Result> {
    return result('screenStart', async () => {
      await this.client.publish('screen', requireStream(stream));
      return {};
    });
  }

  shareStop(): Promise<Result> {
    return result('shareStop', async () => {
      await this.client.unpublish('screen');
      return {};
    });
  }

  /** The original's 1:1 send: that member receives it and gets presence `subscribed`. */
  publishP2P(userId?: unknown, type?: unknown, stream?: unknown): Promise<boolean> {
    return succeeded('publishP2P', async () => {
      await this.client.publishP2P(requireId(userId, 'userId'), requireFeedType(type), requireStream(stream));
    });
  }

  /**
   * A chat message to the room, or to one member only when `userId` is given without `roomId` (as in
   * the original: with both, the whole room gets it).
   */
  chat(message?: unknown, roomId?: unknown, userId?: unknown): Promise<Result> {
    return result('chat', async () => {
      const text = requireText(message, 'message', MAX_MESSAGE);
      const room = optionalRoomId(roomId);
      const to = room === undefined && userId !== undefined && userId !== null ? requireId(userId, 'userId') : undefined;
      if (room !== undefined && userId !== undefined && userId !== null) requireId(userId, 'userId');
      await this.client.send({ k: 'chat', m: text }, room, to);
      return {};
    });
  }

  /** Any JSON value to the room, or to `target` only. */
  inform(message?: unknown, target?: unknown, roomId?: unknown): Promise<Result> {
    return result('inform', async () => {
      const payload = requireJson(message);
      const to = target === undefined || target === null ? undefined : requireId(target, 'target');
      await this.client.send({ k: 'inform', m: payload }, optionalRoomId(roomId), to);
      return {};
    });
  }

  /**
   * Changes our name and camera/microphone switches (the published tracks' `enabled`); in a room,
   * memberList shows it, and with `broadcast` the others get presence `editUserInfo`.
   */
  editUserInfo(name?: unknown, video?: unknown, audio?: unknown, broadcast: unknown = false): Promise<Result> {
    return result('editUserInfo', async () => {
      const change = {
        name: optionalText(name, 'name'),
        video: optionalBoolean(video, 'video'),
        audio: optionalBoolean(audio, 'audio'),
      };
      if (change.name === undefined && change.video === undefined && change.audio === undefined) {
        fail(Code.MISSING_PARAMETER, 'one of name, video or audio is required');
      }
      const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
      await this.client.editUserInfo(defined, optionalBoolean(broadcast, 'broadcast') ?? false);
      return {};
    });
  }

  memberList(roomId?: unknown): Promise<MembersResult> {
    return result('memberList', async () => ({ members: await this.client.memberList(requireId(roomId, 'roomId')) }));
  }

  /** The host's: removes the room for everyone ('413' for anyone else). */
  destroyRoom(roomId?: unknown): Promise<Result> {
    return result('destroyRoom', async () => {
      await this.client.destroyRoom(requireId(roomId, 'roomId'));
      return {};
    });
  }

  /** The host's: puts a member out of the room; it gets presence `kickOut` ('413' for anyone else). */
  kickOut(userId?: unknown): Promise<Result> {
    return result('kickOut', async () => {
      await this.client.kickOut(requireId(userId, 'userId'));
      return {};
    });
  }

  /**
   * The host's (extension; '413' for anyone else): the gateway records every member's feed, those
   * who publish later included, to its recordings folder (see the README, "Recording"). Everyone
   * in the room gets presence `recording`.
   */
  startRecording(): Promise<Result> {
    return result('startRecording', async () => {
      await this.client.setRecording(true);
      return {};
    });
  }

  /** The host's (extension): ends the room's recording; the files on the gateway are complete. */
  stopRecording(): Promise<Result> {
    return result('stopRecording', async () => {
      await this.client.setRecording(false);
      return {};
    });
  }

  /**
   * Quality figures of a feed (extension): bitrate, packet loss, jitter, frame rate and size per
   * kind, and the round-trip time; our own id gives what we send. Takes about half a second: rates
   * are measured over that window.
   */
  getStats(userId?: unknown, type: unknown = 'cam'): Promise<Result & { stats?: FeedStats }> {
    return result('getStats', async () => ({ stats: await this.client.stats(requireId(userId, 'userId'), requireFeedType(type)) }));
  }

  /**
   * Which simulcast layer of a member's video we receive (extension): 'l' (1/4 size), 'm' (1/2) or
   * 'h' (full). '400' when that member does not publish in simulcast.
   */
  setQuality(userId?: unknown, type: unknown = 'cam', quality?: unknown): Promise<Result> {
    return result('setQuality', async () => {
      const id = requireId(userId, 'userId');
      const feedType = requireFeedType(type);
      if (quality === undefined || quality === null) fail(Code.MISSING_PARAMETER, 'quality is required');
      const substream = SUBSTREAMS[quality as string];
      if (typeof quality !== 'string' || substream === undefined) fail(Code.INVALID_PARAMETER, "quality must be 'l', 'm' or 'h'");
      await this.client.setQuality(id, feedType, substream);
      return {};
    });
  }

  /**
   * How loud each member we receive is right now (extension): `levels[userId]` from 0 (silence) to
   * 1 (0 dBov), linear, as the sender measured it, for the members whose audio the page plays.
   * For an active-speaker view, poll it.
   */
  getRemoteAudioLevels(): Promise<Result & { levels?: Record<string, number> }> {
    return result('getRemoteAudioLevels', async () => ({ levels: this.client.audioLevels() }));
  }

  /** The cameras, microphones and speakers (extension); labels need camera/mic permission first. */
  getDevices(): Promise<Result & Partial<DeviceLists>> {
    return result('getDevices', async () => listDevices());
  }

  /** Sends another camera in place of the published one, without renegotiation; the old one stops. */
  switchCamera(deviceId?: unknown): Promise<Result> {
    return result('switchCamera', async () => {
      await this.client.switchDevice('video', requireText(deviceId, 'deviceId', MAX_TEXT));
      return {};
    });
  }

  /** Sends another microphone in place of the published one, without renegotiation; the old one stops. */
  switchMicrophone(deviceId?: unknown): Promise<Result> {
    return result('switchMicrophone', async () => {
      await this.client.switchDevice('audio', requireText(deviceId, 'deviceId', MAX_TEXT));
      return {};
    });
  }

  /**
   * Plays everything we receive on this speaker (extension): every media element of the page
   * showing a stream the SDK returned, now and later. `elements`: how many were switched.
   * '501' where the browser cannot choose (no `setSinkId`).
   */
  setSpeaker(deviceId?: unknown): Promise<Result & { elements?: number }> {
    return result('setSpeaker', async () => {
      if (typeof deviceId !== 'string' || deviceId.length > MAX_TEXT) fail(Code.INVALID_PARAMETER, "deviceId must be a speaker's id ('' for the default)");
      return { elements: await this.speaker.choose(deviceId) };
    });
  }

  /**
   * The connection quality of a feed (extension), as the last `connectionQuality` event said:
   * 'excellent' | 'good' | 'poor' | 'lost', or undefined before the first measurement (or for
   * anything that is not a feed we send or receive). No userId, or ours: what we send.
   */
  getConnectionQuality(userId?: unknown, type: unknown = 'cam'): ConnectionQuality | undefined {
    if (userId !== undefined && userId !== null && typeof userId !== 'string') return undefined;
    if (type !== 'cam' && type !== 'screen') return undefined;
    return this.client.connectionQuality(userId ?? undefined, type);
  }

  /** A member's camera stream as received (ours for our own id), or 'screen': the shared screen. */
  getStream(id?: unknown): MediaStream | undefined {
    return typeof id === 'string' ? this.client.streamOf(id) : undefined;
  }

  /** Every stream we send or receive, by userId (and 'screen'). */
  getAllStreams(): Record<string, MediaStream> {
    return this.client.allStreams();
  }

  getUserId(): string | undefined {
    return this.client.userId;
  }

  getRoomId(): string | undefined {
    return this.client.roomId;
  }

  getName(): string | undefined {
    return this.client.name;
  }

  /** Members of the current room, ourselves included (as in joinRoom's result). */
  getMembers(): Record<string, Member> | undefined {
    return this.client.members();
  }
}
