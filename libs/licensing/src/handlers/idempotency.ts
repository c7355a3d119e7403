import { createHash } from 'node:crypto';
import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

export function checkIdempotencyKey(key: string): string | null {
  return key === '' || KEY.test(key) ? null : 'must be 1-200 characters of letters, digits, . _ : -';
}

/**
 * The key as stored: the caller's own key, under their subject. A key never crosses callers, so
 * resending another caller's request with their key replays nothing of theirs (and learns nothing
 * about whether the key was used). `|` appears in neither a subject nor a key.
 */
export function callerKey(subject: string, key: string): string {
  return `${subject}|${key}`;
}

/** Hash of the request without its key: the same key must come with the same request. */
export function requestHash<D extends DescMessage>(
  schema: D,
  request: MessageShape<D> & { idempotencyKey: string },
): string {
  const copy = { ...request, idempotencyKey: '' } as MessageShape<D>;
  return createHash('sha256').update(toBinary(schema, copy)).digest('hex');
}

/** The stored first response for this key, or null; refuses a key reused for another request. */
export async function replay<D extends DescMessage>(
  tx: LicenseBook,
  accountId: string,
  key: string,
  method: string,
  hash: string,
  responseSchema: D,
): Promise<MessageShape<D> | null> {
  const hit = await tx.findIdempotency(accountId, key);
  if (!hit) return null;
  if (hit.method !== method || hit.requestHash !== hash) {
    const shown = key.slice(key.indexOf('|') + 1);
    throw new AppError('failed_precondition', `idempotency key "${shown}" was already used for a different request`, {
      reason: 'IDEMPOTENCY_KEY_REUSED',
      metadata: { idempotency_key: shown },
    });
  }
  return fromBinary(responseSchema, hit.response);
}

export function remember<D extends DescMessage>(
  tx: LicenseBook,
  accountId: string,
  key: string,
  method: string,
  hash: string,
  responseSchema: D,
  response: MessageShape<D>,
  now: Date,
): void {
  tx.saveIdempotency(accountId, key, { method, requestHash: hash, response: toBinary(responseSchema, response) }, now);
}
