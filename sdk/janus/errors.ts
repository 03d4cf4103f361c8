/** Errors of the Janus core (janus/apierror.h) as the SDK's codes. */
import { Code, KtError, type ResponseCode } from '../errors';

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

/** The core's "unauthorized" code: the token (or API secret) was refused. */
export const JANUS_UNAUTHORIZED = 403;

/**
 * Janus's own wording (apierror.c) of core errors that janus.js passes on WITHOUT the code: it
 * reports a refused "create" with the bare reason, so a bad token would otherwise look like 504.
 */
const CORE_REASONS: Record<string, number> = {
  'Unauthorized request (wrong or missing secret/token)': 403,
  'Unauthorized access to plugin (token is not allowed to)': 405,
};

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
