import { LicensingService } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { AppError } from '@acme/util';
import { isAdminRole, type AdminCheck } from './authorize-reader.js';

/** How long a user's answer is kept: a role taken away reaches billing within this time. */
const KEEP_MS = 30_000;
const MAX_KEPT = 10_000;

/**
 * Asks the licensing service, with the caller's own token, for the caller's user record (GetUser of
 * itself): billing never reads licensing's tables, and licensing decides who the user is. Answers
 * are kept for 30 s per token. A licensing service that cannot answer makes the call UNAVAILABLE,
 * never a guess.
 */
export function licensingAdminCheck(address: string): { check: AdminCheck; close(): void } {
  const client = createClient(LicensingService, address, { timeoutMs: 5_000 });
  const kept = new Map<string, { admin: boolean; until: number }>();
  const check: AdminCheck = async ({ identity, bearer }) => {
    const now = Date.now();
    const known = kept.get(bearer);
    if (known && known.until > now) return known.admin;
    let admin: boolean;
    try {
      const { user } = await client.getUser({ userId: identity.subject }, { token: bearer });
      admin = isAdminRole(user?.roles ?? []);
    } catch (error) {
      const { code } = decodeGrpcError(error as Parameters<typeof decodeGrpcError>[0]);
      // Licensing refuses the user (or knows no such user): not an administrator.
      if (code === GrpcStatus.PERMISSION_DENIED || code === GrpcStatus.NOT_FOUND || code === GrpcStatus.UNAUTHENTICATED)
        admin = false;
      else
        throw new AppError('unavailable', 'the licensing service could not say who the caller is; retry', {
          reason: 'LICENSING_UNAVAILABLE',
          cause: error,
        });
    }
    if (kept.size >= MAX_KEPT) kept.clear();
    kept.set(bearer, { admin, until: now + KEEP_MS });
    return admin;
  };
  return { check, close: () => client.close() };
}

/** Without a licensing service to ask, only back-office service tokens are served. */
export const serviceTokensOnly: AdminCheck = async () => {
  throw new AppError(
    'failed_precondition',
    'this billing API serves back-office service tokens only: LICENSING_ADDRESS is not set, so it cannot tell an administrator',
    { reason: 'USER_TOKENS_NOT_SERVED' },
  );
};
