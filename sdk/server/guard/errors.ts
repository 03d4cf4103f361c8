/**
 * The frames the guard answers with itself, shaped exactly as Janus's own so that janus.js (and the
 * SDK's error mapping, sdk/janus/errors.ts) cannot tell them from the gateway's.
 */

/** Janus core error codes (janus/apierror.h) the guard uses. */
export const CORE = {
  UNAUTHORIZED: 403,
  UNAUTHORIZED_PLUGIN: 405,
  UNKNOWN: 490,
  MISSING_REQUEST: 452,
  UNKNOWN_REQUEST: 453,
  INVALID_JSON: 454,
  INVALID_JSON_OBJECT: 455,
  MISSING_MANDATORY_ELEMENT: 456,
  SESSION_NOT_FOUND: 458,
  HANDLE_NOT_FOUND: 459,
  PLUGIN_NOT_FOUND: 460,
  INVALID_ELEMENT_TYPE: 467,
} as const;

/**
 * Janus's wording for 403: janus.js reports a refused `create` with the bare reason, and the SDK
 * recognises this exact text as '401'.
 */
export const UNAUTHORIZED_REASON = 'Unauthorized request (wrong or missing secret/token)';

/** VideoRoom error codes (janus_videoroom.c) the guard uses. */
export const VR = {
  INVALID_REQUEST: 423,
  JOIN_FIRST: 424,
  ALREADY_JOINED: 425,
  NO_SUCH_ROOM: 426,
  ROOM_EXISTS: 427,
  NO_SUCH_FEED: 428,
  MISSING_ELEMENT: 429,
  INVALID_ELEMENT: 430,
  /** Janus: "maximum number of publishers reached"; from the guard: the room is at capacity. */
  PUBLISHERS_FULL: 432,
  UNAUTHORIZED: 433,
  ID_EXISTS: 436,
} as const;

/**
 * A refusal of a plugin request by the guard. `kt` is the Knowledgetalk code it means (SPEC §2;
 * the table is in index.ts), sent as `kt_code`: every guard refusal has one, because the Janus
 * code alone is ambiguous (433 is '413' not permitted, '440' someone else shares, '422' bad member
 * info) and the SDK reads `kt_code` first.
 */
export interface PluginError {
  code: number;
  reason: string;
  kt: string;
}

export function coreError(transaction: unknown, code: number, reason: string, sessionId?: number): Record<string, unknown> {
  return {
    janus: 'error',
    ...(sessionId === undefined ? {} : { session_id: sessionId }),
    ...(typeof transaction === 'string' ? { transaction } : {}),
    error: { code, reason },
  };
}

/** The `plugindata.data` of a VideoRoom error, as the plugin sends it. */
export function pluginErrorData(err: PluginError): Record<string, unknown> {
  return {
    videoroom: 'event',
    error_code: err.code,
    error: err.reason,
    kt_code: err.kt,
  };
}

/** The one plugin clients may attach to through the guard. */
export const VIDEOROOM = 'janus.plugin.videoroom';
