import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import {
  DeactivateUserRequestSchema,
  DeactivateUserResponseSchema,
  DeleteUserRequestSchema,
  DeleteUserResponseSchema,
  GetUserResponseSchema,
  ReactivateUserRequestSchema,
  ReactivateUserResponseSchema,
  UpdateUserRequestSchema,
  UpdateUserResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { PERMISSIONS, ROLES } from '../use-cases/create-user.js';
import { deactivateUser } from '../use-cases/deactivate-user.js';
import { deleteUser } from '../use-cases/delete-user.js';
import { reactivateUser } from '../use-cases/reactivate-user.js';
import { updateUser, type UserChanges } from '../use-cases/update-user.js';
import type { LicensingStore } from '../store.js';
import { decisionSummary, toAssignment, toUser } from './mappers.js';
import { runMutation, type MutationDeps, type MutationRequest } from './mutation-frame.js';
import type { UseCaseContext } from '../use-cases/use-case-context.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type LifecycleHandlers = Pick<Handlers, 'getUser' | 'updateUser' | 'deactivateUser' | 'reactivateUser' | 'deleteUser'>;

const MASKABLE = ['display_name', 'roles', 'permissions'];

/** The changes an UpdateUser request names in its update_mask, checked. */
function userChanges(
  problems: RequestProblems,
  request: { displayName: string; roles: string[]; permissions: string[]; updateMask?: { paths: string[] } },
): UserChanges {
  const paths = request.updateMask?.paths ?? [];
  if (paths.length === 0) problems.add('update_mask', `name at least one of ${MASKABLE.join(', ')}`);
  paths.forEach(
    (p, i) => MASKABLE.includes(p) || problems.add(`update_mask.paths[${i}]`, `must be one of ${MASKABLE.join(', ')}`),
  );
  const changes: UserChanges = {};
  if (paths.includes('display_name')) {
    problems.text('display_name', request.displayName, 'name');
    changes.displayName = request.displayName.trim();
  }
  if (paths.includes('roles')) {
    if (request.roles.length === 0) problems.add('roles', 'a user keeps at least one role');
    request.roles.forEach(
      (r, i) => ROLES.includes(r) || problems.add(`roles[${i}]`, `must be one of ${ROLES.join(', ')}`),
    );
    changes.roles = request.roles;
  }
  if (paths.includes('permissions')) {
    request.permissions.forEach(
      (p, i) =>
        PERMISSIONS.includes(p) || problems.add(`permissions[${i}]`, `must be one of ${PERMISSIONS.join(', ')}`),
    );
    changes.permissions = request.permissions;
  }
  return changes;
}

/**
 * A user's life after CreateUser: read, changed (no escalation: the user-admin rules), deactivated
 * (every seat freed, every queue left, no sign-in), reactivated, deleted (after deactivation).
 * Every change is authorized at manage_user, as assignments are.
 */
export function createUserLifecycleHandlers(deps: MutationDeps, store: LicensingStore): LifecycleHandlers {
  /** A mutation that names one user and nothing else (deactivate, reactivate, delete). */
  const onUser = <Q extends DescMessage, R extends DescMessage>(
    request: MessageShape<Q> & MutationRequest & { userId: string },
    call: { principal: Principal; requestId: string },
    method: string,
    requestSchema: Q,
    responseSchema: R,
    useCase: (ctx: UseCaseContext) => Promise<MessageShape<R>>,
  ) =>
    runMutation(
      deps,
      {
        method,
        requestSchema,
        responseSchema,
        request,
        principal: call.principal,
        requestId: call.requestId,
        problems: new RequestProblems().id('user_id', request.userId, 'usr'),
        prefetch: { userId: request.userId },
        authorizeAt: 'manage_user',
      },
      useCase,
    );
  return {
    async getUser(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('user_id', request.userId, 'usr').throwIfAny();
      const user = await store.users.get(accountId, request.userId);
      if (!user) throw AppError.notFound('user', request.userId);
      return create(GetUserResponseSchema, { user: toUser(user) });
    },

    async updateUser(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      const changes = userChanges(problems, request);
      const spec = {
        method: 'UpdateUser',
        requestSchema: UpdateUserRequestSchema,
        responseSchema: UpdateUserResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.userId },
        authorizeAt: 'manage_user' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { user, decision } = await updateUser(ctx, { userId: request.userId, changes });
        return create(UpdateUserResponseSchema, {
          user: toUser(user),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    deactivateUser: (request, call) =>
      onUser(
        request,
        call,
        'DeactivateUser',
        DeactivateUserRequestSchema,
        DeactivateUserResponseSchema,
        async (ctx) => {
          const { user, removed, queueIds, decision } = await deactivateUser(ctx, { userId: request.userId });
          return create(DeactivateUserResponseSchema, {
            user: toUser(user),
            removedAssignments: removed.map(toAssignment),
            removedFromQueueIds: queueIds,
            decision: decisionSummary(decision, request.validateOnly),
          });
        },
      ),

    reactivateUser: (request, call) =>
      onUser(
        request,
        call,
        'ReactivateUser',
        ReactivateUserRequestSchema,
        ReactivateUserResponseSchema,
        async (ctx) => {
          const { user, decision } = await reactivateUser(ctx, { userId: request.userId });
          return create(ReactivateUserResponseSchema, {
            user: toUser(user),
            decision: decisionSummary(decision, request.validateOnly),
          });
        },
      ),

    deleteUser: (request, call) =>
      onUser(request, call, 'DeleteUser', DeleteUserRequestSchema, DeleteUserResponseSchema, async (ctx) => {
        const { user, decision } = await deleteUser(ctx, { userId: request.userId });
        return create(DeleteUserResponseSchema, {
          user: toUser(user),
          decision: decisionSummary(decision, request.validateOnly),
        });
      }),
  };
}
