import { fromBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { events, SnapshotReason, type LicensingService, type WatchEntitlementsResponseSchema } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { EntitlementSnapshotRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { entitlementChangeOf } from '../domain/entitlement-changes.js';
import type { AccountWatchers } from '../reads/account-watchers.js';
import type { LicensingStore } from '../store.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type Send = (message: MessageInitShape<typeof WatchEntitlementsResponseSchema>) => Promise<void>;

export interface WatchOptions {
  /** Most watches open at once on this instance; one more is RESOURCE_EXHAUSTED. */
  maxWatches: number;
  /**
   * How long a watch waits for a wake before it looks anyway: short while the change feed is
   * down (other instances' commits reach it only so), long while it is healthy.
   */
  pollMs: () => number;
}

/** Users per snapshot part: a part stays well under the response size limit. */
const SNAPSHOT_PART_USERS = 500;
/** Events read per round trip while catching up. */
const REPLAY_PAGE = 500;

/**
 * WatchEntitlements: a snapshot (or a replay from the watcher's cursor), then every change of the
 * account's entitlements in commit order, read from the outbox, which holds every event with its
 * per-account sequence. A watch wakes on this instance's commits and the change feed's
 * notifications, and looks anyway every `pollMs`. Its memory is its send buffer: `send` waits
 * while the caller is behind, and a caller that stops reading is cut off (SLOW_READER).
 */
export function createWatchHandlers(
  store: LicensingStore,
  watchers: AccountWatchers,
  options: WatchOptions,
): Pick<Handlers, 'watchEntitlements'> {
  return {
    async watchEntitlements(request, { principal, signal, send }) {
      const accountId = resolveAccountId(principal, request.accountId);
      if (watchers.size >= options.maxWatches)
        throw new AppError('resource_exhausted', `this instance serves ${options.maxWatches} watches at most`, {
          reason: 'RESOURCE_EXHAUSTED',
        });
      const watcher = watchers.watch(accountId);
      try {
        let cursor =
          request.resumeAfter === undefined
            ? await sendSnapshot(store, accountId, SnapshotReason.NEW_WATCH, send)
            : await resumeAt(store, accountId, Number(request.resumeAfter), send);
        while (!signal.aborted && !watcher.closed) {
          watcher.reset();
          const page = await store.outbox.after(accountId, cursor, REPLAY_PAGE);
          for (const row of page) {
            const change = entitlementChangeOf(fromBinary(events.EventEnvelopeSchema, row.payload));
            if (change) await send({ event: { case: 'change', value: change } });
            cursor = row.sequence;
          }
          if (page.length < REPLAY_PAGE) await watcher.wait(options.pollMs(), signal);
        }
      } finally {
        watcher.stop();
      }
    },
  };
}

/**
 * Where a watch resumes: after `cursor` when the outbox still holds the event at the cursor (the
 * last one the watcher applied); a snapshot again when it holds only later ones; and a refusal
 * for a cursor past the account's last event.
 */
async function resumeAt(store: LicensingStore, accountId: string, cursor: number, send: Send): Promise<number> {
  if (cursor === 0) return 0;
  const [first] = await store.outbox.after(accountId, cursor - 1, 1);
  if (first?.sequence === cursor) return cursor;
  if (first) return sendSnapshot(store, accountId, SnapshotReason.CURSOR_TOO_OLD, send);
  throw AppError.invalidArgument([
    { field: 'resume_after', description: `${cursor} is past the account's last event: watch again without it` },
  ]);
}

/** Sends the account's entitlements now, in parts; answers the sequence they include. */
async function sendSnapshot(
  store: LicensingStore,
  accountId: string,
  reason: SnapshotReason,
  send: Send,
): Promise<number> {
  const snapshot = await store.accounts.entitlements(accountId);
  if (!snapshot) throw AppError.notFound('account', accountId);
  const users = usersOf(snapshot);
  for (let start = 0; start === 0 || start < users.length; start += SNAPSHOT_PART_USERS) {
    const last = start + SNAPSHOT_PART_USERS >= users.length;
    await send({
      event: {
        case: 'snapshot',
        value: {
          sequence: BigInt(snapshot.sequence),
          suspended: snapshot.suspended,
          users: users.slice(start, start + SNAPSHOT_PART_USERS),
          last,
          reason,
        },
      },
    });
  }
  return snapshot.sequence;
}

function usersOf(snapshot: EntitlementSnapshotRecord) {
  const licenses = Map.groupBy(snapshot.licenses, (l) => l.userId);
  return [...snapshot.users]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((u) => ({
      userId: u.id,
      active: u.active,
      licenses: (licenses.get(u.id) ?? []).map((l) => ({ productId: l.productId, features: l.features })),
    }));
}
