/**
 * The gateway guard (issue 14): a WebSocket server that speaks the Janus API, so janus.js and the
 * SDK keep talking "Janus", and that enforces between browsers and Janus the rules Janus cannot:
 * who a session is, which rooms it may enter, what it may ask for. It also holds what the SDK
 * needs and Janus has no field for (room metadata, member info) and carries the members' messages,
 * so the SDK needs no TextRoom. Node only; never in the browser bundle. Janus behind it listens on
 * loopback with the VideoRoom `admin_key` set (run-janus.sh: JANUS_VIDEOROOM_ADMIN_KEY, which also
 * sets lock_rtp_forward).
 *
 *   const guard = await startGuard({ janusUrl: 'ws://127.0.0.1:8189', adminKey, port: 8188 });
 *   // browsers: new Knowledgetalk({ server: guard.url }); await guard.stop();
 *
 * WIRE CONTRACT (what differs from talking to Janus directly)
 *
 * Transport: ws, subprotocol `janus-protocol` (required, else closed 1002). Frames over
 * MAX_FRAME_BYTES (256 KiB) close that client's socket (1009). Over 400 frames/s sustained (burst
 * 800; DEFAULT_RATE, option `rate`) a client gets `{janus:'error', error:{code:490}}` per frame,
 * and is disconnected (1008) past another burst. The guard pings every client every 30 s (`pingMs`); one that misses two pongs in a
 * row is terminated, and its sessions are then held like those of any page that went away.
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
 *
 * Sessions. A client whose socket closes (or that the heartbeat ends) leaves its sessions HELD for
 * reclaimMs (default 20 s): `claim {session_id, token}` with the same token takes one back (an
 * unsigned one only while it is held, never from a connected page). Unclaimed, it is destroyed in
 * Janus and counts as leaving its rooms. A claim of a session the guard does not have gets exactly
 * Janus's own answer, `{janus:'error', session_id, transaction, error:{code:458, reason:'No such
 * session <id>'}}`, which janus.js and the SDK read as "the gateway restarted: rebuild".
 * Reload: a publisher `join` of an identity whose only seats in that room are held sessions takes
 * their place: the guard destroys those sessions in Janus (the others see them leave) and then
 * forwards the join. A seat of a connected session of the same identity: '442'.
 * Janus restart: every client socket is closed (1011), the registry forgets every room, member and
 * session of the dead Janus, the admin session reconnects (stats().janus tells), and clients
 * rebuild: claim (458 as above), create, join.
 *
 * Plugins: janus.plugin.videoroom only; any other (TextRoom included): 460.
 *
 * VideoRoom (policy.ts; any request or field not listed: error_code 433, kt_code '413'):
 * - `create {room?, pin?, description?, kt?: {title?, capacity?, destroy?, talkingNoty?, p2p?},
 *   audiolevel_event?, audio_active_packets?, audio_level_average?, ...}`: done by the guard with
 *   the admin key and a secret only it knows; the creator is the host. `description` is the title
 *   when `kt.title` is absent (never parsed). Answer `{videoroom:'created', room, kt: RoomView}`.
 *   `permanent:true`, `rec_dir` and the like: 433 '413'.
 * - `destroy {room}`, `kick {room, id}`, `enable_recording {room, record}`: the host only (creator,
 *   or a signed `role:'host'` whose token names the room); any `secret` sent is ignored.
 * - `list`: the rooms this identity created, is in or is named in, Janus's fields plus `kt: RoomView`.
 * - `listparticipants {room}`: for those who may enter it (a PIN room: members and host only).
 * - publisher `join {ptype:'publisher', room, id?, display?, pin?, kt?: {device?, video?, audio?}}`:
 *   `id` and `display` are forced to the identity's; `kt` is member info the guard keeps (not
 *   forwarded; any other field in it, or a wrong type: 433 '422'); capacity is checked first
 *   (432 '444'); the answer, `joined`, carries `kt: {self: MemberView, room: RoomView}`.
 * - publisher `configure {descriptions?, display?}` (+ JSEP offer), `unpublish`, `leave`. A second
 *   member sending a stream labelled 'screen': 433 '440'. A `display` change of an unsigned
 *   identity renames its MemberView too (Janus tells the others with its own `display` event).
 * - subscriber `join {ptype:'subscriber', room, streams:[{feed, mid?}], pin?}`: only into a room the
 *   session is a member of; `private_id` is set by the guard (rooms have require_pvtid).
 *   `update {subscribe?, unsubscribe?}`, `start` (+ JSEP answer), `configure {streams:[{mid,
 *   substream?, temporal?, send?}]}`, `leave`.
 * - guard requests, answered by the guard (synchronously, `success` with plugindata):
 *   `kt_whoami {id?, name?}` → `{videoroom:'kt_identity', id, name, signed, role}` (binds an
 *     unbound identity);
 *   `kt_room {room}` → `{videoroom:'kt_room', room, kt: RoomView}`;
 *   `kt_user {room, name?, device?, video?, audio?}` from a member of the room → `{videoroom:
 *     'kt_user', room, member: MemberView}` (its own view, updated), and every OTHER member's
 *     publisher handle gets the event `{videoroom:'kt_member', room, member}`. `name` may change
 *     only for an unsigned identity: a signed one's different name is 433 '413'. Other fields or
 *     wrong types: 433 '422'. Janus's `display` is not changed by it (a `configure` does that).
 *   `kt_message {room, to?, body}` (sender a member; `to` a member's user id; body any JSON of at
 *     most MAX_MESSAGE_BYTES, 64 KiB, in UTF-8) → `{videoroom:'kt_message', room, sent}`, and each
 *     target's publisher handle gets the event `{videoroom:'kt_message', room, from: {id, name},
 *     whisper, body}`. `from` is the sender's identity: nobody can whisper as someone else or
 *     receive another's.
 *
 *   `kt_whoami` also takes `forced: true` (init's take-over): every other session of that user id
 *     gets `{videoroom:'kt_replaced'}` on each of its handles and is destroyed; the answer says
 *     how many (`replaced`) and, when the guard stores files, where (`files`: .../files).
 *   `kt_permit {room, target, chat?, draw?, screen?, whiteboard?, document?}` (host; target a
 *     member): that user id's permit in the room, kept across its reloads; every member gets
 *     `kt_member` with its new view. What needs which permit, refused with 433 '413' without it:
 *     a kt_message whose body's `k` is 'chat' (chat), a configure sending a stream labelled
 *     'screen' (screen), kt_board (draw), kt_share (whiteboard / document), kt_upload (document).
 *     The host's permit is all true. A room's `kt.permit` at create is the guests' default.
 *   `kt_room_edit {room, title?, capacity?, host?}` (host): the title and capacity (in Janus too;
 *     a capacity below the members present: '412'), or a new host (a member; the old one becomes
 *     a guest, both get `kt_member`); everyone gets `{videoroom:'kt_room_changed', room, kt}`.
 *   One share at a time per room (RoomView `share: {type, user, board, document?}`): a screen
 *     (taken by the configure that sends it), or `kt_share {room, type:'whiteboard'|'document',
 *     document?: {url, page}}` (the document's page shown, for documentShare); '440' while someone
 *     else shares. `kt_share_stop {room}` (the sharer; the host: anyone's whiteboard or
 *     document). Every start, page turn and end reaches the members as `{videoroom:'kt_share',
 *     room, share | null, ended?}`; a sharer that leaves ends its share.
 *   `kt_board {room, board, update?: base64 Yjs update (≤ 160 KiB) | transient?: {} (≤ 1 KiB)}`:
 *     strokes on the current share's board (`board` its number: another is '412'; bytes that do
 *     not decode as Yjs '422'; the board's merged state over 8 MiB '445'); relayed to the others
 *     as `{videoroom:'kt_board', room, from, board, update | transient}`; updates are kept,
 *     `kt_board_state {room}` answers `{share, board, state}` (one merged update).
 *   `kt_group {room, list?, title?}` (host of a main room): a breakout group (a room whose
 *     `parent` is this one; whoever may enter the main room may enter it); the listed members get
 *     `{videoroom:'kt_group', room, group, title, from}`. `kt_group_end {room, group}` (that host;
 *     not one of its groups: '451'): the group's members get `{videoroom:'kt_group_end', room:
 *     group, main}`, then the group is destroyed (as is every group of a destroyed main room).
 *   `kt_upload {room, name?, size}` (document permit): a one-use ticket for the file store and
 *     its URL; POST the bytes there with header `x-kt-ticket` (files.ts, file-http.ts: PNG, JPEG,
 *     GIF, WebP, PDF by their bytes; 20 MiB a file). Files are served under /files on the guard's
 *     own port (its HTTP side; WebSocket upgrades are the Janus API) and go with their room.
 *
 * Annotations: what Janus sends a client about other members gets `kt: MemberView` for each member
 * the guard knows (also one whose join Janus has not confirmed yet): each entry of `attendees` and
 * `publishers` in `joined`, `joining` and each entry of `publishers` in events, each entry of
 * `participants` in a listparticipants answer. Janus's own fields are untouched, so a plain janus.js
 * client reads the frames as before, and `display` is the member's plain name.
 *
 * MemberView = {id, name, userType: 'host'|'guest', device (≤ 256 chars, default ''), video, audio
 * (the member's camera / microphone switches, default true), permit: {chat, draw, screen,
 * whiteboard, document}}.
 * RoomView = {title, capacity, host, destroy, talkingNoty, p2p, recording, createdAt, pinRequired,
 * parent, guestPermit, members: MemberView[], share}. Rooms are destroyed when their last member goes (`destroy`
 * rooms), whoever leaves last and however (leave, kick, detach, a page that vanished and was not
 * claimed back within reclaimMs, a Janus session timeout).
 *
 * Refusals. Every refusal of a plugin request by the guard is shaped as VideoRoom's own (for an
 * asynchronous request: an `ack`, then an event) with `error_code`, `error` and `kt_code`, the
 * Knowledgetalk code (SPEC §2) it means, which the SDK reads before the Janus code:
 *   kt_code  error_code  when
 *   '410'    428         the target is not in the room (kick, a whisper's `to`, permit, new host)
 *   '412'    430 / 423   does not fit the state: a capacity below the members, a stale board, a
 *                        group of a group
 *   '445'    430         over a limit: a message over 64 KiB, a board update, the board, a file
 *   '451'    426         kt_group_end of a room that is not one of this room's groups
 *   '452'    423         enable_recording while recording
 *   '400'    424         the request needs the sender in the room first: kt_message, kt_user from a
 *                        non-member; configure/unpublish/leave/update/start before a join
 *            423         unpublish on a subscriber handle
 *   '413'    433         not permitted: the host's permit (see kt_permit), a request or field not on the lists above, host-only
 *                        requests, rooms outside the token, creating without the right, room
 *                        limits, a signed identity's new name, subscribing without being a member
 *   '421'    429         a mandatory element is missing (request, id of a kick, record, streams,
 *                        a kt_message body, permit's fields, editRoom's fields, an upload's size)
 *   '422'    430         an invalid element: wrong type or range, a JSEP where none belongs
 *            433         member info (the join's `kt`, kt_user's fields) with an unknown field or
 *                        a wrong type
 *   '440'    433         someone else is sharing (a screen, the whiteboard or a document)
 *   '441'    426         no such room (or not one the guard made)
 *   '442'    425 / 436   this handle, or another publisher handle of the session, is in already
 *                        (425); a connected session of the same identity is in the room (436)
 *   '443'    427         the room exists
 *   '444'    432         the room is full
 *   '570'    Janus's or 499   Janus failed a request the guard made for the client
 * Core errors (no plugin involved) stay exactly Janus's: 403 (token), 453, 454, 455, 456, 458,
 * 459, 460, 467, 490; the SDK maps them itself (sdk/janus/errors.ts). Errors Janus itself gives a
 * forwarded request (a wrong PIN, 433; a feed not there, 428) are passed on as they are.
 */
export { startGuard, MAX_FRAME_BYTES } from './server';
export type { Guard, GuardOptions } from './server';
export { signToken, identify } from './identity';
export type { Identity, SignTokenOptions, Profile, Role } from './identity';
export type { RoomMeta } from './rooms';
export type { MemberView } from './views';
export type { FileStoreOptions } from './files';
export { MAX_MESSAGE_BYTES } from './policy-kt';
