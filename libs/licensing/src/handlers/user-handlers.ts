import { create } from '@bufbuild/protobuf';
import { CreateUserRequestSchema, CreateUserResponseSchema, type LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS, newId, type AssignmentRecord, type UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { grantProducts, userFacts } from '../mutations/grant-products.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { checkProductList } from './assignment-handlers.js';
import { toAssignment, toUser } from './mappers.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const ROLES = ['super_admin', 'admin', 'owner', 'member'];
const PERMISSIONS = ['manage_users', 'manage_licenses'];
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/**
 * Roles a caller may hand out: nobody grants more than they have. Members and managers create
 * members; admins also admins; only a super admin creates super admins or owners.
 */
function grantableRoles(principal: Principal): string[] {
  if (principal.roles.includes('super_admin')) return ROLES;
  if (principal.roles.includes('admin')) return ['admin', 'member'];
  return ['member'];
}

/** CreateUser: a new user, optionally with licenses, all in one transaction. */
export function createUserHandlers(deps: MutationDeps): Pick<Handlers, 'createUser'> {
  return {
    async createUser(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const email = request.email.trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > FIELD_LIMITS.email) problems.add('email', `must be an email address such as ana@example.com, at most ${FIELD_LIMITS.email} characters`);
      problems.text('display_name', request.displayName, 'name');
      request.roles.forEach((role, i) => ROLES.includes(role) || problems.add(`roles[${i}]`, `must be one of ${ROLES.join(', ')}`));
      request.permissions.forEach((p, i) => PERMISSIONS.includes(p) || problems.add(`permissions[${i}]`, `must be one of ${PERMISSIONS.join(', ')}`));
      if (request.products.length > 0) checkProductList(problems, 'products', request.products.map((p) => p.productId));
      const spec = { method: 'CreateUser', requestSchema: CreateUserRequestSchema, responseSchema: CreateUserResponseSchema, request, principal, problems, authorizeAt: 'create_user' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const roles = request.roles.length > 0 ? [...new Set(request.roles)] : ['member'];
        const beyond = roles.filter((r) => !grantableRoles(principal).includes(r));
        const extraPermissions = request.permissions.filter((p) => !principal.permissions.includes(p));
        if (beyond.length > 0 || (extraPermissions.length > 0 && !principal.roles.some((r) => r === 'super_admin' || r === 'admin'))) {
          throw new AppError('permission_denied', `callers may not grant ${[...beyond, ...extraPermissions].join(', ')}`, { reason: 'PERMISSION_DENIED' });
        }
        if (await tx.userByEmail(accountId, email)) throw new AppError('already_exists', `a user with email ${email} already exists`, { reason: 'ALREADY_EXISTS', metadata: { email } });
        // Nothing is written before the rules decide: the user row goes in once the decision allows it.
        const user: UserRecord = { id: newId('usr'), accountId, email, displayName: request.displayName.trim(), roles, permissions: [...new Set(request.permissions)], createdAt: now };
        const insertUser = () => {
          tx.insertUser(user);
          tx.appendAudit([{ accountId, actor: principal.subject, action: 'user.created', resourceType: 'user', resourceId: user.id, before: null, after: { email, displayName: user.displayName, roles, permissions: user.permissions }, causationId: requestId, occurredAt: now }]);
        };
        // Adding a user may add licenses; the rules decide it as create_user, all or nothing.
        let granted: { created: AssignmentRecord[]; decision: Decision };
        if (request.products.length > 0) {
          const context = { deps, tx, principal, account, user, held: [], point: 'create_user' as const, field: 'products', requestId, now, notifyUser: request.notifyUser, beforeWrites: insertUser };
          granted = await grantProducts(context, request.products);
        } else {
          granted = { created: [], decision: await deps.rules().decide('create_user', { ...actorFacts(principal, account), request: { productIds: [] }, products: [], user: userFacts(user, []) }, { authorized: true }) };
          if (!granted.decision.allowed) throw decisionError(granted.decision, accountId);
          insertUser();
        }
        return create(CreateUserResponseSchema, {
          user: toUser(user),
          assignments: granted.created.map(toAssignment),
          decision: decisionSummary(granted.decision, request.validateOnly),
        });
      });
    },
  };
}
