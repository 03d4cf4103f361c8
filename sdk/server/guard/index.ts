/**
 * The gateway guard (issue 14): a WebSocket server that speaks the Janus API, so janus.js and the
 * SDK keep talking "Janus", and that enforces between browsers and Janus the rules Janus cannot:
 * who a session is, which rooms it may enter, what it may ask for. Node only; never in the
 * browser bundle. Janus behind it listens on loopback with the VideoRoom `admin_key` set
 * (run-janus.sh: JANUS_VIDEOROOM_ADMIN_KEY, which also sets lock_rtp_forward).
 *
 *   const guard = await startGuard({ janusUrl: 'ws://127.0.0.1:8188', adminKey, port: 8189 });
 *   // browsers: new Knowledgetalk({ server: guard.url }); await guard.stop();
 *
 * WIRE CONTRACT (what differs from talking to Janus directly)
 *
 * Transport: ws, subprotocol `janus-protocol` (required). Frames over MAX_FRAME_BYTES (256 KiB)
 * close that client's socket (1009). Over 100 frames/s sustained (burst 200) a client gets
 * `{janus:'error', error:{code:490}}` per frame, and is disconnected (1008) past another burst.
 * Malformed JSON: error 454; not an object: 455; no transaction: 456; a session or handle id that
 * is not the client's own: 458 / 459; any other core request than create, claim, keepalive,
 * attach, detach, hangup, trickle, message, destroy, ping: 453. One client's frame never affects
 * another client.
 *
 * Identity (identity.ts): `create`'s `token` (the Knowledgetalk authKey) is an HS256 JWT with
 * claims sub, name, rooms, create, role, exp; or, in the development profile, anything else (an
 * unbound identity whose user id is fixed by its first use). A refused token: core error 403
 * "Unauthorized request (wrong or missing secret/token)", which the SDK maps to '401'. Every later
 * request of the session must carry the same token, and is refused (403) once it has expired.
 * `claim` (reconnect) needs the same token too.
 *
 * Plugins: janus.plugin.videoroom; janus.plugin.textroom only when the guard has the TextRoom
 * admin key (setup/ack only; text rooms made by the guard; data-channel joins cannot be checked,
 * which is why guard messages below replace it). Other plugins: 460.
 *
 * VideoRoom (policy.ts; every other request or field: error_code 433 with `kt_code: '413'`):
 * - `create {room?, description?, pin?, kt?: {title, capacity, destroy, talkingNoty, p2p}, ...}`:
 *   done by the guard with the admin key and a secret only it knows; the creator is the host.
 *   Answer `{videoroom:'created', room, kt: RoomView}`. `permanent:true`, `rec_dir` and the like: 433.
 * - `destroy {room}`, `kick {room, id}`, `enable_recording {room, record}`: the host only (creator,
 *   or a signed `role:'host'` whose token names the room); any `secret` sent is ignored.
 * - `list`: the rooms this identity created, is in or is named in, Janus's fields plus `kt`.
 * - `listparticipants {room}`: for those who may enter it (a PIN room: members and host only).
 * - publisher `join {ptype:'publisher', room, id?, display?, pin?}`: `id` and `display` are forced
 *   to the identity's; capacity is checked first (error_code 432, `kt_code: '444'`); the answer,
 *   `joined`, carries `kt: {self: {id, name, userType}, room: RoomView}`.
 * - publisher `configure {descriptions?, display?}` (+ JSEP offer), `unpublish`, `leave`. A second
 *   member sending a stream labelled 'screen' gets error_code 433, `kt_code: '440'`.
 * - subscriber `join {ptype:'subscriber', room, streams:[{feed, mid?}], pin?}`: only into a room the
 *   session is a member of; `private_id` is set by the guard (rooms have require_pvtid).
 *   `update {subscribe?, unsubscribe?}`, `start` (+ JSEP answer), `configure {streams:[{mid,
 *   substream?, temporal?, send?}]}`, `leave`.
 * - guard requests, answered by the guard: `kt_whoami {id?, name?}` → `{videoroom:'kt_identity',
 *   id, name, signed, role}` (binds an unbound identity); `kt_room {room}` → `{videoroom:'kt_room',
 *   room, kt: RoomView}`; `kt_message {room, to?, body}` (sender must be a member; `to` a member's
 *   user id; body any JSON ≤ 16 KiB) → `{videoroom:'kt_message', room, sent}`, and each target's
 *   publisher handle gets the event `{videoroom:'kt_message', room, from: {id, name}, whisper, body}`.
 *   `from` is the sender's identity: nobody can whisper as someone else or receive another's.
 *
 * RoomView = {title, capacity, host, destroy, talkingNoty, p2p, recording, createdAt, pinRequired,
 * members: [{id, name, userType}], sharer}. Rooms are destroyed when their last member goes
 * (`destroy` rooms), whoever leaves last and however (leave, kick, detach, a page that vanished
 * and was not claimed back within reclaimMs, a Janus session timeout).
 */
export { startGuard, MAX_FRAME_BYTES } from './server';
export type { Guard, GuardOptions } from './server';
export { signToken, identify } from './identity';
export type { Identity, SignTokenOptions, Profile, Role } from './identity';
export type { RoomMeta } from './rooms';
