import { decodeGrpcError, GrpcStatus } from '@acme/grpc';
import type { Session } from '../sessions.js';
import type { Licensing } from './context.js';

/**
 * Display names of the users given, by id, as the session may read them; a user who is gone (or
 * not the account's) keeps their id, so a page can still say who it was.
 */
export async function userNames(
  licensing: Licensing,
  session: Session,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const users = await Promise.all(
    [...new Set(userIds)].map((userId) =>
      licensing.getUser({ userId }, { token: session.token }).then(
        (answer): [string, string] => [userId, answer.user?.displayName ?? userId],
        (error: unknown): [string, string] => {
          if (decodeGrpcError(error as never).code === GrpcStatus.NOT_FOUND) return [userId, userId];
          throw error;
        },
      ),
    ),
  );
  return new Map(users);
}
