import { create } from '@bufbuild/protobuf';
import { CreateUserRequestSchema, CreateUserResponseSchema, type LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS } from '@acme/licensing-data-access';
import { createUser, PERMISSIONS, ROLES } from '../use-cases/create-user.js';
import { checkProductList } from './assignment-handlers.js';
import { createdId, decisionSummary, toAssignment, toUser } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { EMAIL, RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** CreateUser: request shape, the use case, the answer. */
export function createUserHandlers(deps: MutationDeps): Pick<Handlers, 'createUser'> {
  return {
    async createUser(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const email = request.email.trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > FIELD_LIMITS.email)
        problems.add(
          'email',
          `must be an email address such as ana@example.com, at most ${FIELD_LIMITS.email} characters`,
        );
      problems.text('display_name', request.displayName, 'name');
      request.roles.forEach(
        (role, i) => ROLES.includes(role) || problems.add(`roles[${i}]`, `must be one of ${ROLES.join(', ')}`),
      );
      request.permissions.forEach(
        (p, i) =>
          PERMISSIONS.includes(p) || problems.add(`permissions[${i}]`, `must be one of ${PERMISSIONS.join(', ')}`),
      );
      if (request.products.length > 0)
        checkProductList(
          problems,
          'products',
          request.products.map((p) => p.productId),
        );
      const spec = {
        method: 'CreateUser',
        requestSchema: CreateUserRequestSchema,
        responseSchema: CreateUserResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'create_user' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const command = {
          email,
          displayName: request.displayName.trim(),
          roles: request.roles,
          permissions: request.permissions,
          products: request.products,
          notifyUser: request.notifyUser,
        };
        const { user, created, decision } = await createUser(ctx, command);
        return create(CreateUserResponseSchema, {
          user: createdId(toUser(user), request.validateOnly),
          assignments: created.map((a) => {
            const assignment = createdId(toAssignment(a), request.validateOnly);
            if (request.validateOnly) assignment.userId = '';
            return assignment;
          }),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
