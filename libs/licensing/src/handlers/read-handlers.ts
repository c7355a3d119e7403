import type { LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { toAccount, toAssignment, toAuditEvent, toProduct, toSeatUsage, toSuite, toUser } from './mappers.js';
import { RequestProblems } from './validation.js';
import { readPage } from './paging.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type ReadHandlers = Pick<Handlers, 'listProducts' | 'getAccount' | 'getSeatUsage' | 'listUsers' | 'listAssignments' | 'listAuditEvents'>;

/** Catalog, account and user reads; every account read is confined to the caller's account. */
export function createReadHandlers(store: LicensingStore): ReadHandlers {
  return {
    async listProducts() {
      const [products, suites] = await Promise.all([store.catalog.listProducts(), store.catalog.listSuites()]);
      return { products: products.map(toProduct), suites: suites.map(toSuite) };
    },

    async getAccount(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      const account = await store.accounts.get(accountId);
      if (!account) throw AppError.notFound('account', accountId);
      return { account: toAccount(account) };
    },

    async getSeatUsage(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      if (!(await store.accounts.get(accountId))) throw AppError.notFound('account', accountId);
      const wanted = new Set(request.productIds);
      const usage = await store.accounts.seatUsage(accountId);
      const unknown = [...wanted].filter((id) => !usage.some((u) => u.productId === id));
      if (unknown.length > 0) {
        throw AppError.invalidArgument(unknown.map((id) => ({ field: 'product_ids', description: `${id.slice(0, 80)} is not a product of this account` })));
      }
      return { products: usage.filter((u) => wanted.size === 0 || wanted.has(u.productId)).map(toSeatUsage) };
    },

    async listUsers(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      const page = await store.users.list(accountId, readPage(request));
      return { users: page.users.map(toUser), nextPageToken: page.nextPageToken ?? '' };
    },

    async listAssignments(request, { principal }) {
      const problems = new RequestProblems();
      if (request.userId) problems.id('user_id', request.userId, 'usr');
      if (request.productId) problems.slug('product_id', request.productId);
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const page = await store.assignments.list(
        accountId,
        { ...(request.userId ? { userId: request.userId } : {}), ...(request.productId ? { productId: request.productId } : {}) },
        readPage(request),
      );
      return { assignments: page.assignments.map(toAssignment), nextPageToken: page.nextPageToken ?? '' };
    },

    async listAuditEvents(request, { principal }) {
      const problems = new RequestProblems();
      if (request.resourceId.length > 200) problems.add('resource_id', 'at most 200 characters');
      if (request.actor.length > 200) problems.add('actor', 'at most 200 characters');
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const page = await store.audit.list(
        accountId,
        { ...(request.resourceId ? { resourceId: request.resourceId } : {}), ...(request.actor ? { actor: request.actor } : {}) },
        readPage(request),
      );
      return { events: page.events.map((e) => toAuditEvent(accountId, e)), nextPageToken: page.nextPageToken ?? '' };
    },
  };
}
