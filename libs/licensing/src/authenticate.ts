import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { createTokenVerifier, type Principal } from '@acme/auth';
import type { Metadata } from '@acme/grpc';
import { AppError } from '@acme/util';

/** Reads a JWKS file with a precise error, so a bad deployment fails at start, not on first call. */
export function readJwksFile(path: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`JWT_JWKS_FILE ${path}: cannot read a JSON key set (${(error as Error).message})`, { cause: error });
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`JWT_JWKS_FILE ${path}: expected {"keys": [ ... ]} with at least one key`);
  if (keys.some((k) => typeof k === 'object' && k !== null && 'd' in k)) {
    throw new Error(`JWT_JWKS_FILE ${path}: contains a private key; give the service public keys only`);
  }
  return parsed as JSONWebKeySet;
}

export function bearerAuthenticator(options: { jwks: JSONWebKeySet; issuer: string; audience: string }) {
  const verify = createTokenVerifier(options);
  return async (metadata: Metadata): Promise<Principal> => {
    const values = metadata.get('authorization');
    if (values.length > 1) throw new AppError('unauthenticated', 'send exactly one authorization header', { reason: 'UNAUTHENTICATED' });
    const header = values[0];
    return verify(typeof header === 'string' ? header : undefined);
  };
}
