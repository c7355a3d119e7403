import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Principal } from '@acme/auth';
import type { Database, LicensingTx } from '@acme/licensing-data-access';
import type { RuleSet } from '@acme/rules';
import { resolveAccountId } from '../account-scope.js';
import type { RequestProblems } from '../handlers/validation.js';
import { refuseUndecidable } from './decision-outcome.js';
import { checkIdempotencyKey, remember, replay, requestHash } from './idempotency.js';

export interface MutationDeps {
  db: Database;
  /** The active rule set (reloaded on change). */
  rules: () => RuleSet;
  /** Injectable clock, so retention windows and timestamps are testable. */
  now: () => Date;
}

interface MutationRequest {
  accountId: string;
  idempotencyKey: string;
  validateOnly: boolean;
}

export interface MutationSpec<Q extends DescMessage, R extends DescMessage> {
  /** RPC name, stored with idempotency records so a key cannot cross methods. */
  method: string;
  requestSchema: Q;
  responseSchema: R;
  request: MessageShape<Q> & MutationRequest;
  principal: Principal;
  /** Problems found in the request fields so far; the idempotency key is checked here too. */
  problems: RequestProblems;
  /** The user (and products) the change is about, read up front with the account in one round trip. */
  prefetch?: { userId?: string; productIds?: string[] };
}

/**
 * The frame every mutation shares: all field problems reported together, account confinement,
 * idempotent replay (same key + same request = first response; different request = refused), one
 * transaction for the change with its audit and outbox rows, and validate_only as a rollback.
 */
export async function runMutation<Q extends DescMessage, R extends DescMessage>(
  deps: MutationDeps,
  spec: MutationSpec<Q, R>,
  change: (tx: LicensingTx, accountId: string, now: Date) => Promise<MessageShape<R>>,
): Promise<MessageShape<R>> {
  const { request, problems } = spec;
  const keyProblem = checkIdempotencyKey(request.idempotencyKey);
  if (keyProblem) problems.add('idempotency_key', keyProblem);
  problems.throwIfAny();
  const accountId = resolveAccountId(spec.principal, request.accountId);
  const hash = requestHash(spec.requestSchema, request);
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      await tx.prefetch({ accountId, ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}), ...spec.prefetch });
      if (request.idempotencyKey) {
        const previous = await replay(tx, accountId, request.idempotencyKey, spec.method, hash, spec.responseSchema);
        if (previous) return previous;
      }
      // Every decision is made inside a change: one that cannot be computed refuses, never INTERNAL.
      const response = await change(tx, accountId, now).catch(refuseUndecidable);
      if (request.idempotencyKey && !request.validateOnly) remember(tx, accountId, request.idempotencyKey, spec.method, hash, spec.responseSchema, response, now);
      return response;
    },
    { dryRun: request.validateOnly, account: accountId },
  );
}
