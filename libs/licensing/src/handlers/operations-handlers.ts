import { create } from '@bufbuild/protobuf';
import { durationFromMs, durationMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { RunRetentionSweepResponseSchema, SetClockOffsetResponseSchema, type OperationsService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { Database } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import type { ServiceClock } from '../service-clock.js';
import { purgeRetainedConfigurations } from '../use-cases/purge-retained-configurations.js';

type Handlers = ServiceHandlers<(typeof OperationsService)['method'], Principal>;

/** The scope of operations work (sweeps, the staging clock). */
export const OPERATIONS_SCOPE = 'operations:write';

/** Operators only: a service identity without an account, with the operations scope. */
function requireOperator(principal: Principal): void {
  if (principal.kind === 'service' && principal.accountId === null && principal.scopes.includes(OPERATIONS_SCOPE))
    return;
  throw new AppError(
    'permission_denied',
    `operations need a service identity without an account, with the ${OPERATIONS_SCOPE} scope`,
    { reason: 'PERMISSION_DENIED', metadata: { required_scope: OPERATIONS_SCOPE } },
  );
}

/** OperationsService: the retention sweep now, and the staging clock. */
export function createOperationsHandlers(db: Database, clock: ServiceClock): Handlers {
  return {
    async runRetentionSweep(_request, { principal, requestId }) {
      requireOperator(principal);
      const now = clock.now();
      const purged = await purgeRetainedConfigurations(db, now, requestId);
      return create(RunRetentionSweepResponseSchema, {
        sweptAt: timestampFromDate(now),
        purged: purged.map((c) => ({
          accountId: c.accountId,
          userId: c.userId,
          productId: c.productId,
          ...(c.retainedUntil ? { retainedUntil: timestampFromDate(c.retainedUntil) } : {}),
        })),
      });
    },

    async setClockOffset(request, { principal }) {
      requireOperator(principal);
      clock.setOffset(request.offset ? durationMs(request.offset) : 0);
      return create(SetClockOffsetResponseSchema, {
        serviceTime: timestampFromDate(clock.now()),
        offset: durationFromMs(clock.offset),
      });
    },
  };
}
