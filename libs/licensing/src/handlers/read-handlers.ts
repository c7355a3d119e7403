import { create, type DescMessage } from '@bufbuild/protobuf';
import {
  GetAccountResponseSchema,
  GetSeatUsageResponseSchema,
  ListAssignmentsResponseSchema,
  ListAuditEventsResponseSchema,
  ListUsersResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import { frozenSize, type ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { toAccount, toAssignment, toAuditEvent, toProduct, toSeatUsage, toSuite, toUser } from './mappers.js';
import { RequestProblems } from './validation.js';
import { readPage } from './paging.js';
import type { AccountReadCache } from '../reads/account-read-cache.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type ReadHandlers = Pick<
  Handlers,
  'listProducts' | 'getAccount' | 'getSeatUsage' | 'listUsers' | 'listAssignments' | 'listAuditEvents'
>;

/**
 * Catalog, account and user reads; every account read is confined to the caller's account. With a
 * cache, answers are kept per account until the account changes (see AccountReadCache); the key
 * is taken after authentication and account confinement, so it can only serve the same account.
 */
export function createReadHandlers(store: LicensingStore, cache?: AccountReadCache): ReadHandlers {
  // Kept answers are frozen and encoded when kept: nobody can change one, the transport sends the
  // bytes encoded then, and the cache weighs each answer by their size.
  const cached = <T extends object>(
    schema: DescMessage,
    accountId: string,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> => (cache ? cache.get(accountId, key, load, (answer) => frozenSize(schema, answer)) : load());
  return {
    async listProducts() {
      const [products, suites] = await Promise.all([store.catalog.listProducts(), store.catalog.listSuites()]);
      return { products: products.map(toProduct), suites: suites.map(toSuite) };
    },

    async getAccount(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      return cached(GetAccountResponseSchema, accountId, 'account', async () => {
        const account = await store.accounts.get(accountId);
        if (!account) throw AppError.notFound('account', accountId);
        return create(GetAccountResponseSchema, { account: toAccount(account) });
      });
    },

    async getSeatUsage(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      const all = await cached(GetSeatUsageResponseSchema, accountId, 'seat-usage', async () => {
        if (!(await store.accounts.get(accountId))) throw AppError.notFound('account', accountId);
        return create(GetSeatUsageResponseSchema, {
          products: (await store.accounts.seatUsage(accountId)).map(toSeatUsage),
        });
      });
      if (request.productIds.length === 0) return all;
      const wanted = new Set(request.productIds);
      const unknown = [...wanted].filter((id) => !all.products.some((u) => u.productId === id));
      if (unknown.length > 0) {
        throw AppError.invalidArgument(
          unknown.map((id) => ({
            field: 'product_ids',
            description: `${id.slice(0, 80)} is not a product of this account`,
          })),
        );
      }
      return { products: all.products.filter((u) => wanted.has(u.productId)) };
    },

    async listUsers(request, { principal }) {
      const problems = new RequestProblems();
      if (request.query.length > FIELD_LIMITS.email) problems.add('query', `at most ${FIELD_LIMITS.email} characters`);
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const page = readPage(request);
      // JSON keeps the query apart in the key, whatever characters it holds.
      const key = `users:${JSON.stringify([page.pageSize, page.pageToken ?? '', request.query])}`;
      return cached(ListUsersResponseSchema, accountId, key, async () => {
        const users = await store.users.list(accountId, page, { query: request.query });
        return create(ListUsersResponseSchema, {
          users: users.users.map(toUser),
          nextPageToken: users.nextPageToken ?? '',
        });
      });
    },

    async listAssignments(request, { principal }) {
      const problems = new RequestProblems();
      if (request.userId) problems.id('user_id', request.userId, 'usr');
      if (request.productId) problems.slug('product_id', request.productId);
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const page = readPage(request);
      return cached(
        ListAssignmentsResponseSchema,
        accountId,
        `assignments:${request.userId}:${request.productId}:${page.pageSize}:${page.pageToken ?? ''}`,
        async () => {
          const listed = await store.assignments.list(
            accountId,
            {
              ...(request.userId ? { userId: request.userId } : {}),
              ...(request.productId ? { productId: request.productId } : {}),
            },
            page,
          );
          return create(ListAssignmentsResponseSchema, {
            assignments: listed.assignments.map(toAssignment),
            nextPageToken: listed.nextPageToken ?? '',
          });
        },
      );
    },

    async listAuditEvents(request, { principal }) {
      const problems = new RequestProblems();
      if (request.resourceId.length > FIELD_LIMITS.resourceId)
        problems.add('resource_id', `at most ${FIELD_LIMITS.resourceId} characters`);
      if (request.actor.length > FIELD_LIMITS.actor) problems.add('actor', `at most ${FIELD_LIMITS.actor} characters`);
      if (request.causationId.length > FIELD_LIMITS.causationId)
        problems.add('causation_id', `at most ${FIELD_LIMITS.causationId} characters`);
      const from = problems.time('start_time', request.startTime);
      const to = problems.time('end_time', request.endTime);
      if (from && to && to <= from) problems.add('end_time', 'must be after start_time');
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const page = readPage(request);
      // JSON keeps the free-text filters apart in the key, whatever characters they contain.
      return cached(
        ListAuditEventsResponseSchema,
        accountId,
        `audit:${JSON.stringify([
          request.resourceId,
          request.actor,
          request.causationId,
          from?.toISOString() ?? '',
          to?.toISOString() ?? '',
          page.pageSize,
          page.pageToken ?? '',
        ])}`,
        async () => {
          const listed = await store.audit.list(
            accountId,
            {
              ...(request.resourceId ? { resourceId: request.resourceId } : {}),
              ...(request.actor ? { actor: request.actor } : {}),
              ...(request.causationId ? { causationId: request.causationId } : {}),
              ...(from ? { from } : {}),
              ...(to ? { to } : {}),
            },
            page,
          );
          return create(ListAuditEventsResponseSchema, {
            events: listed.events.map((e) => toAuditEvent(accountId, e)),
            nextPageToken: listed.nextPageToken ?? '',
          });
        },
      );
    },
  };
}
