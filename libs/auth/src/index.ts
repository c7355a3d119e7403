export type { Identity, Principal } from './principal.js';
export { ACCOUNT_ID_PATTERN } from './principal.js';
export { createTokenVerifier, soleAuthorization } from './token-verifier.js';
export { generateSigningKey, loadOrCreateDevKeys, signToken } from './dev-keys.js';
export type { DevKeys, TokenClaims } from './dev-keys.js';
export { configuredJwks, watchJwksFile } from './jwks-sources.js';
