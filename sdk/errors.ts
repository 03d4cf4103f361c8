/**
 * Response codes of the Knowledgetalk API (SPEC §2) and the mapping of Janus errors onto them.
 *
 * Inside the SDK failures travel as `KtError` (thrown and caught between layers); the public facade
 * turns every one of them into a `{ code, janusCode?, reason? }` result, so nothing reaches the app
 * as an exception.
 */

export const Code = {
  OK: '200',
  BAD_REQUEST: '400',
  UNAUTHORIZED: '401',
  NOT_PERMITTED: '413',
  MISSING_PARAMETER: '421',
  INVALID_PARAMETER: '422',
  ALREADY_SHARING: '440',
  NO_SUCH_ROOM: '441',
  ALREADY_IN_ROOM: '442',
  ROOM_EXISTS: '443',
  ROOM_FULL: '444',
  SERVER_ERROR: '500',
  /** Extension: this browser cannot do it (e.g. choosing the speaker without `setSinkId`). */
  NOT_SUPPORTED: '501',
  GATEWAY_TIMEOUT: '504',
  MEDIA_ERROR: '570',
  UNKNOWN: '599',
} as const;

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

/** Janus core errors (janus/apierror.h). */
const CORE_CODES: Record<number, ResponseCode> = {
  403: Code.UNAUTHORIZED, // JANUS_ERROR_UNAUTHORIZED (token / api secret)
  405: Code.UNAUTHORIZED, // JANUS_ERROR_UNAUTHORIZED_PLUGIN (token not allowed for this plugin)
  454: Code.BAD_REQUEST, // JANUS_ERROR_INVALID_JSON
  455: Code.BAD_REQUEST, // JANUS_ERROR_INVALID_JSON_OBJECT
  456: Code.MISSING_PARAMETER, // JANUS_ERROR_MISSING_MANDATORY_ELEMENT
  457: Code.INVALID_PARAMETER, // JANUS_ERROR_INVALID_ELEMENT_TYPE
  458: Code.SERVER_ERROR, // JANUS_ERROR_SESSION_NOT_FOUND
  459: Code.SERVER_ERROR, // JANUS_ERROR_HANDLE_NOT_FOUND
  460: Code.MEDIA_ERROR, // JANUS_ERROR_PLUGIN_NOT_FOUND
  461: Code.MEDIA_ERROR, // JANUS_ERROR_PLUGIN_ATTACH
  465: Code.MEDIA_ERROR, // JANUS_ERROR_JSEP_UNKNOWN_TYPE
  466: Code.MEDIA_ERROR, // JANUS_ERROR_JSEP_INVALID_SDP
  467: Code.MEDIA_ERROR, // JANUS_ERROR_TRICKE_INVALID_STREAM
  490: Code.BAD_REQUEST, // JANUS_ERROR_UNEXPECTED_ANSWER
};

/**
 * Janus's own wording (apierror.c) of core errors that janus.js passes on WITHOUT the code: it
 * reports a refused "create" with the bare reason, so a bad token would otherwise look like 504.
 */
const CORE_REASONS: Record<string, number> = {
  'Unauthorized request (wrong or missing secret/token)': 403,
  'Unauthorized access to plugin (token is not allowed to)': 405,
};

/** VideoRoom plugin errors (janus_videoroom.c, 421–499). */
const VIDEOROOM_CODES: Record<number, ResponseCode> = {
  421: Code.MISSING_PARAMETER, // NO_MESSAGE
  422: Code.BAD_REQUEST, // INVALID_JSON
  423: Code.BAD_REQUEST, // INVALID_REQUEST
  424: Code.BAD_REQUEST, // JOIN_FIRST
  425: Code.ALREADY_IN_ROOM, // ALREADY_JOINED
  426: Code.NO_SUCH_ROOM, // NO_SUCH_ROOM
  427: Code.ROOM_EXISTS, // ROOM_EXISTS
  428: Code.INVALID_PARAMETER, // NO_SUCH_FEED
  429: Code.MISSING_PARAMETER, // MISSING_ELEMENT
  430: Code.INVALID_PARAMETER, // INVALID_ELEMENT
  431: Code.MEDIA_ERROR, // INVALID_SDP_TYPE
  432: Code.ROOM_FULL, // PUBLISHERS_FULL
  433: Code.NOT_PERMITTED, // UNAUTHORIZED (room secret / pin)
  434: Code.BAD_REQUEST, // ALREADY_PUBLISHED
  435: Code.BAD_REQUEST, // NOT_PUBLISHED
  436: Code.ALREADY_IN_ROOM, // ID_EXISTS
  437: Code.MEDIA_ERROR, // INVALID_SDP
  499: Code.SERVER_ERROR, // UNKNOWN_ERROR
};

/** An error a plugin reported in its response data (`{ error_code, error }`). */
export function pluginError(janusCode: number, reason: string): KtError {
  const code = VIDEOROOM_CODES[janusCode] ?? Code.UNKNOWN;
  return new KtError(code, `VideoRoom error ${janusCode}: ${reason}`, janusCode, reason);
}

/**
 * An error of the Janus core. janus.js reports these as a string "<code> <reason>" (prefixed with
 * "Ooops: " when attach fails), as the bare reason when "create" fails, or as free text ("Is the
 * server down?") when the transport failed, which is what the app needs to hear as 504.
 */
export function coreError(raw: unknown): KtError {
  const text = (typeof raw === 'string' ? raw : raw instanceof Error ? raw.message : String(raw)).replace(/^Ooops: /, '');
  const match = /^(\d{3}) (.*)$/s.exec(text);
  if (match) {
    const janusCode = Number(match[1]);
    return new KtError(CORE_CODES[janusCode] ?? Code.UNKNOWN, `Janus error ${text}`, janusCode, match[2]);
  }
  const known = CORE_REASONS[text];
  if (known) return new KtError(CORE_CODES[known], `Janus error ${known} ${text}`, known, text);
  return new KtError(Code.GATEWAY_TIMEOUT, `Gateway unreachable: ${text}`, undefined, text);
}

/** VideoRoom's missing (429) or wrong (433) room PIN at join: to the app, '401'. */
export function asPinError(err: unknown): never {
  if (err instanceof KtError && (err.janusCode === 429 || err.janusCode === 433)) {
    throw new KtError(Code.UNAUTHORIZED, 'wrong or missing room PIN', err.janusCode, err.reason);
  }
  throw err;
}

/** VideoRoom's missing (429) or wrong (433) room secret on a host action: '413', not the host. */
export function asSecretError(err: unknown): never {
  if (err instanceof KtError && (err.janusCode === 429 || err.janusCode === 433)) {
    throw new KtError(Code.NOT_PERMITTED, 'the gateway refused: not the host (room secret)', err.janusCode, err.reason);
  }
  throw err;
}

/** Anything caught at the facade, as a KtError (a bug in our code becomes '599', logged). */
export function toKtError(err: unknown): KtError {
  if (err instanceof KtError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new KtError(Code.UNKNOWN, message);
}
