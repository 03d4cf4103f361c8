/**
 * Response codes of the Knowledgetalk API (SPEC §2). The Janus errors are mapped onto them where
 * they are known: janus/errors.ts (the core) and janus/videoroom.ts (the plugin, and the guard's kt_code).
 *
 * Inside the SDK failures travel as `KtError` (thrown and caught between layers); the public facade
 * turns every one of them into a `{ code, janusCode?, reason? }` result, so nothing reaches the app
 * as an exception.
 */

export const Code = {
  OK: '200',
  BAD_REQUEST: '400',
  UNAUTHORIZED: '401',
  /** No such data: nothing to give (no board to read, no canvas to send). */
  NO_DATA: '403',
  /** A URL that does not exist (a shared document that does not load). */
  NOT_FOUND: '404',
  /** A resource that is not allowed (a file type the gateway does not store). */
  NOT_ALLOWED: '405',
  /** This user id is signed in elsewhere (init without `forced`). */
  ALREADY_REGISTERED: '409',
  /** The user is not in the room (a target of permit, kickOut, a whisper, a new host). */
  NO_SUCH_USER: '410',
  /** Wrong room PIN. */
  WRONG_PASSWORD: '411',
  /** The data does not fit the state (a capacity below the members present, a stale board). */
  MISMATCH: '412',
  NOT_PERMITTED: '413',
  MISSING_PARAMETER: '421',
  INVALID_PARAMETER: '422',
  ALREADY_SHARING: '440',
  NO_SUCH_ROOM: '441',
  ALREADY_IN_ROOM: '442',
  ROOM_EXISTS: '443',
  ROOM_FULL: '444',
  /** Over a size limit (a message, a file, the board). */
  TOO_LARGE: '445',
  /** No such channel: a breakout group that is not one of this room's. */
  NO_SUCH_CHANNEL: '451',
  ALREADY_RECORDING: '452',
  SERVER_ERROR: '500',
  /** Extension: this browser cannot do it (e.g. choosing the speaker without `setSinkId`). */
  NOT_SUPPORTED: '501',
  GATEWAY_TIMEOUT: '504',
  /** The gateway's board (the whiteboard's sync) failed. */
  SYNC_ERROR: '543',
  MEDIA_ERROR: '570',
  UNKNOWN: '599',
} as const;

/** One of the result codes of `Code` ('200' is success). */
export type ResponseCode = (typeof Code)[keyof typeof Code];

export class KtError extends Error {
  constructor(
    readonly code: ResponseCode,
    message: string,
    /** The Janus error code behind this failure, when Janus reported one. */
    readonly janusCode?: number,
    /** Janus's own words for it. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KtError';
  }
}

/** Anything caught at the facade, as a KtError (a bug in our code becomes '599', logged). */
export function toKtError(err: unknown): KtError {
  if (err instanceof KtError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new KtError(Code.UNKNOWN, message);
}
