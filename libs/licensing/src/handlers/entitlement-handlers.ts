import { create } from '@bufbuild/protobuf';
import { CheckEntitlementsResponseSchema, EntitlementReason, type LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { AccountEntitlements, type EntitlementQuestion } from '../domain/entitlements.js';
import type { AccountReadCache } from '../reads/account-read-cache.js';
import type { LicensingStore } from '../store.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** Most users one CheckEntitlements asks about. */
export const MAX_ENTITLEMENT_USERS = 1_000;
/** Most questions (product, feature) asked of each user in one call. */
export const MAX_ENTITLEMENT_QUERIES = 100;

const REASON = {
  licensed: EntitlementReason.LICENSED,
  no_license: EntitlementReason.NO_LICENSE,
  feature_off: EntitlementReason.FEATURE_OFF,
  user_deactivated: EntitlementReason.USER_DEACTIVATED,
  account_suspended: EntitlementReason.ACCOUNT_SUSPENDED,
  unknown_user: EntitlementReason.UNKNOWN_USER,
} as const;

/**
 * CheckEntitlements, answered from the account's entitlements in memory (AccountEntitlements),
 * kept in the read cache until the account changes: this instance's commits drop it before their
 * call answers, other instances' through the change feed (its heartbeat bounds how stale a silent
 * feed can leave it). Without a cache, every call reads the snapshot.
 */
export function createEntitlementHandlers(
  store: LicensingStore,
  cache?: AccountReadCache,
): Pick<Handlers, 'checkEntitlements'> {
  const load = async (accountId: string): Promise<AccountEntitlements> => {
    const [snapshot, catalog] = await Promise.all([
      store.accounts.entitlements(accountId),
      store.catalog.listProducts(),
    ]);
    if (!snapshot) throw AppError.notFound('account', accountId);
    return new AccountEntitlements(snapshot, catalog);
  };
  const entitlementsOf = (accountId: string) =>
    cache
      ? cache.get(
          accountId,
          'entitlements',
          () => load(accountId),
          (e) => e.weight,
        )
      : load(accountId);
  return {
    async checkEntitlements(request, { principal }) {
      const problems = new RequestProblems().idList('user_ids', request.userIds, 'usr', 'user', MAX_ENTITLEMENT_USERS);
      if (request.queries.length > MAX_ENTITLEMENT_QUERIES)
        problems.add('queries', `at most ${MAX_ENTITLEMENT_QUERIES} queries per call (got ${request.queries.length})`);
      request.queries
        .slice(0, MAX_ENTITLEMENT_QUERIES)
        .forEach((q, i) => problems.slug(`queries[${i}].product_id`, q.productId));
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const entitlements = await entitlementsOf(accountId);
      const questions = request.queries.length > 0 ? request.queries : entitlements.everyProduct;
      checkQuestions(entitlements, questions);
      return create(CheckEntitlementsResponseSchema, {
        results: request.userIds.flatMap((userId) =>
          questions.map((question) => {
            const answer = entitlements.check(userId, question);
            return { userId, ...question, entitled: answer.entitled, reason: REASON[answer.reason] };
          }),
        ),
        sequence: BigInt(entitlements.sequence),
      });
    },
  };
}

/** Every product must be the catalog's, every feature one of its product's: a typo is the caller's bug. */
function checkQuestions(entitlements: AccountEntitlements, questions: EntitlementQuestion[]): void {
  const problems = new RequestProblems();
  questions.forEach(({ productId, feature }, i) => {
    const product = entitlements.product(productId);
    if (!product) return void problems.add(`queries[${i}].product_id`, `unknown product ${productId}`);
    if (feature !== '' && !product.features.includes(feature))
      problems.add(
        `queries[${i}].feature`,
        `${productId} has no feature ${feature.slice(0, 64)} (it has: ${product.features.join(', ')})`,
      );
  });
  problems.throwIfAny();
}
