import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  BillableReasonKind,
  BillableReasonSchema,
  GetBillableStateResponseSchema,
  type BillableReason as BillableReasonMessage,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { billableProducts, type BillableReason } from '../domain/billable-state.js';
import type { LicensingStore } from '../store.js';
import { toBillingBasis } from './mappers.js';
import { KIND_ENUM, ROLE_ENUM } from './queue-mappers.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const toReason = (r: BillableReason): BillableReasonMessage =>
  create(
    BillableReasonSchema,
    r.kind === 'license_held'
      ? { kind: BillableReasonKind.LICENSE_HELD, since: timestampFromDate(r.since), assignmentId: r.assignmentId }
      : {
          kind: BillableReasonKind.QUEUE_MEMBERSHIP,
          since: timestampFromDate(r.since),
          queueId: r.queueId,
          queueName: r.queueName,
          queueKind: KIND_ENUM[r.queueKind],
          queueRole: ROLE_ENUM[r.role],
        },
  );

/** GetBillableState: why a user counts toward charges now, per product (see domain/billable-state.ts). */
export function createBillableStateHandlers(store: LicensingStore): Pick<Handlers, 'getBillableState'> {
  return {
    async getBillableState(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('user_id', request.userId, 'usr').throwIfAny();
      const state = await store.users.billableState(accountId, request.userId);
      if (!state) throw AppError.notFound('user', request.userId);
      return create(GetBillableStateResponseSchema, {
        userId: request.userId,
        products: billableProducts(state).map((p) => ({
          productId: p.productId,
          billingBasis: toBillingBasis(p.billingBasis),
          billable: p.billable,
          ...(p.since ? { since: timestampFromDate(p.since) } : {}),
          ruleIds: p.ruleIds,
          causationId: p.causationId,
          reasons: p.reasons.map(toReason),
        })),
      });
    },
  };
}
