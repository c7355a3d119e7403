export type { Identity, Principal } from './principal.js';
export { ACCOUNT_ID_PATTERN } from './principal.js';
export { createTokenVerifier } from './token-verifier.js';
export { generateSigningKey, loadOrCreateDevKeys, signToken } from './dev-keys.js';
export type { DevKeys, TokenClaims } from './dev-keys.js';
export { watchJwksFile, watchJwksUrl } from './jwks-sources.js';
export type { JwksSource } from './jwks-sources.js';
