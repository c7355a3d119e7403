export type { Identity, Principal } from './principal.js';
export { ACCOUNT_ID_PATTERN, CLAIMS, identityOf } from './principal.js';
export { CLAIM_ENTRY_PATTERN, MAX_CLAIM_ENTRIES, SUBJECT_PATTERN, TOKEN_ID_PATTERN } from './claims.js';
export { createTokenVerifier, ALLOWED_ALGORITHMS, MAX_TOKEN_LENGTH } from './token-verifier.js';
export type { TokenVerifier, TokenVerifierOptions } from './token-verifier.js';
export { loadOrCreateDevKeys, signToken } from './dev-keys.js';
export type { DevKeys, TokenClaims } from './dev-keys.js';
