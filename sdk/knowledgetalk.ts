/**
 * The public facade: the Knowledgetalk API, nothing else (what we add beyond it is in
 * api/extensions.ts, which this class extends). Arguments are checked by api/arguments.ts and
 * outcomes turned into result codes by api/result.ts.
 * Every call resolves (never throws, never rejects); failures carry a code from SPEC §2.
 */
import { KnowledgetalkClassroom } from './api/classroom';
import {
  MAX_MESSAGE,
  optionalBitrate,
  optionalBoolean,
  optionalObject,
  optionalResolution,
  optionalRoomId,
  optionalSecret,
  optionalText,
  requireFeedType,
  requireJson,
  requireStream,
  requireText,
  roomParamsFrom,
  userInfoChange,
} from './api/arguments';
import { result, succeeded } from './api/result';
import { Code, KtError } from './errors';
import { requireCanvas } from './api/drawing-arguments';
import { getLogger, loggerControl } from './logger';
import { watchDevices } from './media/devices';
import { applyResolution } from './media/resolution';
import type { FeedType, InitResult, JoinResult, MembersResult, PublishVideoOptions, Result, RoomOptions, RoomResult, Success } from './types';
import { requireId } from './util/ids';
import { VERSION } from './version';

const log = getLogger('api');

/**
 * One member's connection to the gateway and the room it is in: the Knowledgetalk API. Every call
 * resolves (never throws, never rejects) with a code; the instance is an EventTarget whose events
 * are typed by {@link KnowledgetalkEventMap}.
 */
export class Knowledgetalk extends KnowledgetalkClassroom {
  /** `Knowledgetalk.logger.setLevel('trace'|'debug'|'info'|'error'|'off')`. */
  static readonly logger = loggerControl;
  static readonly codes = Code;
  /** This SDK's version (package.json's), e.g. for a bug report. */
  static readonly version = VERSION;

  /** Set while initialised: the `devicechange` listener's removal. */
  private stopWatchingDevices?: () => void;

  /** `forced`: this user id takes over from its other sign-ins (they get presence `kickOut`, reason 'replaced', and are disconnected). */
  init(cpCode: string, authKey: string, id?: string, name?: string, device?: string, forced?: boolean): Promise<InitResult> {
    return result('init', async () => {
      requireText(cpCode, 'cpCode');
      const token = requireText(authKey, 'authKey');
      const userId = id === undefined || id === null ? undefined : requireId(id, 'id');
      const userName = optionalText(name, 'name') ?? userId ?? '';
      const deviceName = optionalText(device, 'device') ?? '';
      const takeOver = optionalBoolean(forced, 'forced') ?? false;
      const joined = await this.client.init(userId, userName, deviceName, token, takeOver);
      this.stopWatchingDevices ??= watchDevices(
        (lists) => this.dispatchEvent(new CustomEvent('devicechange', { detail: lists })),
        (err) => log.warn('listing devices after a change failed', err),
      );
      return { userId: joined };
    });
  }

  /** Leaves the room and closes the connection; resolves once every handle and PeerConnection is freed. */
  disconnect(): Promise<void> {
    this.stopWatchingDevices?.();
    this.stopWatchingDevices = undefined;
    this.speaker.close();
    return this.client.disconnect().catch((err) => log.error('disconnect', err));
  }

  /**
   * `options` (extension): `pin` to make joining need it. The creator is the room's host: the
   * gateway guard holds the room's secret and grants the host powers to that identity.
   */
  createVideoRoom(roomId?: string, title?: string, capacity?: number, destroy = true, talkingNoty = false, options?: RoomOptions): Promise<RoomResult> {
    return result('createVideoRoom', async () => ({
      roomId: await this.client.createVideoRoom(roomParamsFrom({ roomId, title, capacity, destroy, talkingNoty, options, p2p: false })),
    }));
  }

  /** The original's 1:1 ("P2P") room: here a two-member room on the same SFU. */
  createRoom(roomId?: string, title?: string, capacity = 2, destroy = true, options?: RoomOptions): Promise<RoomResult> {
    return result('createRoom', async () => ({
      roomId: await this.client.createVideoRoom(roomParamsFrom({ roomId, title, capacity, destroy, talkingNoty: false, options, p2p: true })),
    }));
  }

  /** `pin` (extension): the room's PIN, when it was created with one ('401' if wrong or missing). */
  joinRoom(roomId: string, pin?: string): Promise<JoinResult> {
    return result('joinRoom', async () => {
      const { code: _ok, ...joined } = await this.client.joinRoom(requireId(roomId, 'roomId'), optionalSecret(pin, 'pin'));
      return joined;
    });
  }

  /** The original SDK's spelling, kept for apps written against it. */
  joinroom(roomId: string, pin?: string): Promise<JoinResult> {
    return this.joinRoom(roomId, pin);
  }

  /** Leaves the room: our feeds stop, the others get presence `leave`. */
  leaveRoom(roomId: string): Promise<Result> {
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
  publishVideo(type: FeedType, stream: MediaStream, options?: PublishVideoOptions): Promise<boolean> {
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
      await this.client.queued((room) => room.publish(feedType, media, publishOptions));
    });
  }

  /** Receives a member's feed: its MediaStream (video and, if published, audio), or false ('cam' by default). */
  async subscribeVideo(userId: string, type: FeedType = 'cam'): Promise<MediaStream | false> {
    let stream: MediaStream | undefined;
    await result('subscribeVideo', async () => {
      const [id, feedType] = [requireId(userId, 'userId'), requireFeedType(type)];
      stream = await this.client.now((room) => room.subscribe(id, feedType));
      return {};
    });
    return stream ?? false;
  }

  /** Stops receiving a member's feed; the stream subscribeVideo returned for it ends. */
  removePeer(userId: string, type: FeedType = 'cam'): Promise<boolean> {
    return succeeded('removePeer', async () => {
      const [id, feedType] = [requireId(userId, 'userId'), requireFeedType(type)];
      await this.client.now((room) => room.unsubscribe(id, feedType));
    });
  }

  /** Stops sending a feed (the original's name for the sending side of a 1:1 peer). */
  removeLocalPeer(peerId?: string | null, type: FeedType = 'cam'): Promise<boolean> {
    return succeeded('removeLocalPeer', async () => {
      if (peerId !== undefined && peerId !== null) requireId(peerId, 'peerId');
      const feedType = requireFeedType(type);
      await this.client.queued((room) => room.unpublish(feedType));
    });
  }

  /**
   * Sends another camera/microphone in place of the published one, without renegotiation.
   * `target` (the original's 1:1 peer): must be a member; the one camera feed is what it receives.
   */
  changeLocalStream(stream: MediaStream, target?: string): Promise<boolean> {
    return succeeded('changeLocalStream', async () => {
      const media = requireStream(stream);
      const to = target === undefined || target === null ? undefined : requireId(target, 'target');
      await this.client.queued((room) => {
        if (to !== undefined && !room.members.has(to)) throw new KtError(Code.NO_SUCH_USER, `${to} is not in the room`);
        return room.replaceCamera(media);
      });
    });
  }

  /**
   * Shares a screen next to the camera; one share per room ('440' while someone else shares a
   * screen, the whiteboard or a document). `target` (the original's 1:1): that member receives it
   * alone and gets presence `subscribed` with `cam: false`. `canvas`: a board over the screen
   * (canvasInit + drawingInit). Resolves `{ code: '200' }`, or false on failure (the docs' samples
   * test `if (!result)`; `result.code !== '200'` holds too). The reason is logged.
   */
  async screenStart(stream: MediaStream, target?: string | null, canvas?: HTMLCanvasElement): Promise<Success | false> {
    const r = await result('screenStart', async () => {
      const media = requireStream(stream);
      const to = target === undefined || target === null ? undefined : requireId(target, 'target');
      const board = canvas === undefined || canvas === null ? undefined : requireCanvas(canvas);
      await this.client.queued(async (room) => {
        if (to !== undefined) await room.publishP2P(to, 'screen', media);
        else await room.publish('screen', media);
        if (board) room.classroom.drawOn(board);
      });
      return {};
    });
    return r.code === Code.OK ? { code: Code.OK } : false;
  }

  /** Ends our share: the screen, the whiteboard or a document (everyone gets presence `shareStop`). */
  shareStop(): Promise<Result> {
    return result('shareStop', async () => {
      await this.client.queued(async (room) => {
        const share = room.classroom.shares.current;
        // The whiteboard or a document (ours; the host may end anyone's): the guard's share.
        if (share && share.type !== 'screen') {
          if (!(await room.classroom.shares.stop())) throw new KtError(Code.NOT_PERMITTED, `${share.user} shares the ${share.type}`);
          return;
        }
        await room.unpublish('screen');
      });
      return {};
    });
  }

  /** The original's 1:1 send: that member receives it and gets presence `subscribed`. */
  publishP2P(userId: string, type: FeedType, stream: MediaStream): Promise<boolean> {
    return succeeded('publishP2P', async () => {
      const [id, feedType, media] = [requireId(userId, 'userId'), requireFeedType(type), requireStream(stream)];
      await this.client.queued((room) => room.publishP2P(id, feedType, media));
    });
  }

  /**
   * A chat message to the room, or to one member only when `userId` is given without `roomId` (as in
   * the original: with both, the whole room gets it).
   */
  chat(message: string, roomId?: string | null, userId?: string): Promise<Result> {
    return result('chat', async () => {
      const text = requireText(message, 'message', MAX_MESSAGE);
      const room = optionalRoomId(roomId);
      const to = room === undefined && userId !== undefined && userId !== null ? requireId(userId, 'userId') : undefined;
      if (room !== undefined && userId !== undefined && userId !== null) requireId(userId, 'userId');
      await this.client.now((r) => r.send({ k: 'chat', m: text }, to, room));
      return {};
    });
  }

  /** Any JSON value to the room, or to `target` only. */
  inform(message: unknown, target?: string | null, roomId?: string): Promise<Result> {
    return result('inform', async () => {
      const payload = requireJson(message);
      const to = target === undefined || target === null ? undefined : requireId(target, 'target');
      const room = optionalRoomId(roomId);
      await this.client.now((r) => r.send({ k: 'inform', m: payload }, to, room));
      return {};
    });
  }

  /**
   * Changes our name and camera/microphone switches (the published tracks' `enabled`); in a room,
   * memberList shows it, and with `broadcast` (default true, as the current docs say) the others
   * get presence `editUserInfo`; with `target` (the original's 1:1), that member alone.
   */
  editUserInfo(name?: string | null, video?: boolean | null, audio?: boolean | null, broadcast = true, target?: string): Promise<Result> {
    return result('editUserInfo', async () => {
      const change = userInfoChange(name, video, audio);
      const tell = optionalBoolean(broadcast, 'broadcast') ?? true;
      const to = target === undefined || target === null ? undefined : requireId(target, 'target');
      await this.client.editUserInfo(change, tell, to);
      return {};
    });
  }

  /** The members of our room, or of another one we may see. */
  memberList(roomId: string): Promise<MembersResult> {
    return result('memberList', async () => ({ members: await this.client.memberList(requireId(roomId, 'roomId')) }));
  }

  /** The host's: removes the room for everyone ('413' for anyone else). */
  destroyRoom(roomId: string): Promise<Result> {
    return result('destroyRoom', async () => {
      await this.client.destroyRoom(requireId(roomId, 'roomId'));
      return {};
    });
  }

  /** The host's: puts a member out of the room; it gets presence `kickOut` ('413' for anyone else). */
  kickOut(userId: string): Promise<Result> {
    return result('kickOut', async () => {
      const id = requireId(userId, 'userId');
      await this.client.queued((room) => room.kick(id));
      return {};
    });
  }

  /** A member's camera stream as received (ours for our own id), or 'screen': the shared screen. */
  getStream(id: string): MediaStream | undefined {
    return typeof id === 'string' ? this.client.room?.streamOf(id) : undefined;
  }

  /** Every stream we send or receive, by userId (and 'screen'). */
  getAllStreams(): Record<string, MediaStream> {
    return this.client.room?.allStreams() ?? {};
  }

  /** Our user id, once initialised. */
  getUserId(): string | undefined {
    return this.client.userId;
  }

  /** The room we are in, if any. */
  getRoomId(): string | undefined {
    return this.client.roomId;
  }

  /** Our display name. */
  getName(): string | undefined {
    return this.client.name;
  }
}
