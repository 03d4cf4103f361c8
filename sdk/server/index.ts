/**
 * `knowledgetalk-janus/server`: helpers for the application server that hands out credentials.
 * Node only; never bundled into the browser builds (dist/knowledgetalk.umd.js / .mjs).
 */
export { createToken, parseToken, DEFAULT_TOKEN_PLUGINS, DEFAULT_TOKEN_TTL_SECONDS } from './token';
export type { CreateTokenOptions, TokenInfo } from './token';
export { createTurnCredentials, turnIceServer } from './turn';
export type { TurnCredentialOptions, TurnCredentials } from './turn';
