import { create } from '@bufbuild/protobuf';
import {
  GetPhoneConfigurationResponseSchema,
  UpdatePhoneConfigurationRequestSchema,
  UpdatePhoneConfigurationResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { updatePhoneConfiguration } from '../use-cases/update-phone-configuration.js';
import { decisionSummary } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { phoneChanges, toPhoneConfiguration } from './phone-mappers.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** GetPhoneConfiguration and UpdatePhoneConfiguration: request shape, the use case, the answer. */
export function createPhoneHandlers(
  deps: MutationDeps,
  store: LicensingStore,
): Pick<Handlers, 'getPhoneConfiguration' | 'updatePhoneConfiguration'> {
  return {
    async getPhoneConfiguration(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('user_id', request.userId, 'usr').throwIfAny();
      const config = await store.phoneConfigurations.get(accountId, request.userId);
      if (!config) throw AppError.notFound('phone_configuration', request.userId);
      return create(GetPhoneConfigurationResponseSchema, { configuration: toPhoneConfiguration(config) });
    },

    async updatePhoneConfiguration(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      const changes = phoneChanges(problems, request);
      const spec = {
        method: 'UpdatePhoneConfiguration',
        requestSchema: UpdatePhoneConfigurationRequestSchema,
        responseSchema: UpdatePhoneConfigurationResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.userId },
        authorizeAt: 'set_features' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { configuration, decision } = await updatePhoneConfiguration(ctx, { userId: request.userId, changes });
        return create(UpdatePhoneConfigurationResponseSchema, {
          configuration: toPhoneConfiguration(configuration),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
