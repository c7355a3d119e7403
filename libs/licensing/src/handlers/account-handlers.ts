import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  AccountKind,
  AccountStyle,
  CreateAccountRequestSchema,
  CreateAccountResponseSchema,
  ListAccountsResponseSchema,
  SetCardOnFileRequestSchema,
  SetCardOnFileResponseSchema,
  UpdateAccountRequestSchema,
  UpdateAccountResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS, newId, type AccountRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { callerKey } from './idempotency.js';
import { createdId, decisionSummary, toAccount, toUser } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { readPage } from './paging.js';
import { EMAIL, RequestProblems } from './validation.js';
import type { LicensingStore } from '../store.js';
import { createAccount } from '../use-cases/create-account.js';
import { setCardOnFile } from '../use-cases/set-card-on-file.js';
import { updateAccount, type AccountChanges } from '../use-cases/update-account.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const KINDS: Partial<Record<AccountKind, AccountRecord['kind']>> = {
  [AccountKind.SELF_SERVICE]: 'self_service',
  [AccountKind.SALES_MANAGED]: 'sales_managed',
};
const STYLES: Partial<Record<AccountStyle, AccountRecord['style']>> = {
  [AccountStyle.GOTO]: 'goto',
  [AccountStyle.ZENDESK]: 'zendesk',
};
/** A payment provider's reference (bp_…, cus_…): letters, digits and _ : - only. */
const BILLING_PROFILE = /^[A-Za-z][A-Za-z0-9_:-]{2,63}$/;
/** Twelve digits or more, spaces and dashes aside: what a card number looks like. Never stored. */
const CARD_NUMBER = /(?:\d[ -]?){12,}/;

/** Back-office callers only: a caller confined to an account neither creates nor lists accounts. */
function requireBackOffice(principal: Principal, what: string): void {
  if (principal.accountId === null) return;
  throw new AppError('permission_denied', `${what} is back-office work: callers confined to an account may not`, {
    reason: 'PERMISSION_DENIED',
  });
}

/**
 * With an idempotency key, the new account's id comes from the caller and the key: a retry names
 * the same account and replays the first answer instead of creating a second account.
 */
function newAccountId(principal: Principal, idempotencyKey: string): string {
  if (!idempotencyKey) return newId('acct');
  return `acct_${createHash('sha256').update(callerKey(principal.subject, idempotencyKey)).digest('hex').slice(0, 26)}`;
}

/** CreateAccount, UpdateAccount, SetCardOnFile (back office, `administer_account`) and ListAccounts. */
export function createAccountHandlers(
  deps: MutationDeps,
  store: LicensingStore,
): Pick<Handlers, 'createAccount' | 'updateAccount' | 'setCardOnFile' | 'listAccounts'> {
  return {
    async createAccount(request, { principal, requestId }) {
      requireBackOffice(principal, 'creating accounts');
      const problems = new RequestProblems().text('name', request.name, 'name');
      const kind = KINDS[request.kind];
      if (!kind) problems.add('kind', 'required: ACCOUNT_KIND_SELF_SERVICE or ACCOUNT_KIND_SALES_MANAGED');
      const style = STYLES[request.style];
      if (!style) problems.add('style', 'required: ACCOUNT_STYLE_GOTO or ACCOUNT_STYLE_ZENDESK');
      problems.currency('currency', request.currency);
      problems.slug('offering_id', request.offeringId, 'an offering id such as goto_business');
      const email = request.owner?.email.trim().toLowerCase() ?? '';
      if (!request.owner) problems.add('owner', 'required: the email and display name of the first user');
      else {
        if (!EMAIL.test(email) || email.length > FIELD_LIMITS.email)
          problems.add('owner.email', `must be an email address, at most ${FIELD_LIMITS.email} characters`);
        problems.text('owner.display_name', request.owner.displayName, 'name');
      }
      const planned: AccountRecord = {
        id: newAccountId(principal, request.idempotencyKey),
        name: request.name.trim(),
        kind: kind ?? 'self_service',
        style: style ?? 'goto',
        legacyPlan: request.legacyPlan,
        cardOnFile: false,
        ownerUserId: null,
        offeringId: request.offeringId,
        currency: request.currency,
        billingProfileId: null,
        createdAt: deps.now(),
        suspended: false,
      };
      const spec = {
        method: 'CreateAccount',
        requestSchema: CreateAccountRequestSchema,
        responseSchema: CreateAccountResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'administer_account' as const,
        creates: planned,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { account, owner, decision } = await createAccount(ctx, {
          email,
          displayName: request.owner!.displayName.trim(),
        });
        return create(CreateAccountResponseSchema, {
          account: createdId(toAccount(account), request.validateOnly),
          owner: createdId(toUser(owner), request.validateOnly),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async updateAccount(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const changes: AccountChanges = {};
      if (request.name !== undefined) {
        problems.text('name', request.name, 'name');
        changes.name = request.name.trim();
      }
      if (request.kind !== AccountKind.UNSPECIFIED) {
        changes.kind = KINDS[request.kind];
        if (!changes.kind) problems.add('kind', 'unknown kind');
      }
      if (request.legacyPlan !== undefined) changes.legacyPlan = request.legacyPlan;
      if (request.suspended !== undefined) changes.suspended = request.suspended;
      if (request.offeringId !== undefined) {
        problems.slug('offering_id', request.offeringId, 'an offering id such as goto_business');
        changes.offeringId = request.offeringId;
      }
      if (Object.keys(changes).length === 0)
        problems.add('name', 'nothing to change: set at least one of name, kind, legacy_plan, offering_id, suspended');
      const spec = {
        method: 'UpdateAccount',
        requestSchema: UpdateAccountRequestSchema,
        responseSchema: UpdateAccountResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'administer_account' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { account, decision } = await updateAccount(ctx, changes);
        return create(UpdateAccountResponseSchema, {
          account: toAccount(account),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async setCardOnFile(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const profile = request.billingProfileId;
      if (profile !== '' && CARD_NUMBER.test(profile))
        problems.add('billing_profile_id', 'looks like a card number: send the billing profile id, never card data');
      else if (profile !== '' && !BILLING_PROFILE.test(profile))
        problems.add('billing_profile_id', "must be the payment provider's reference: 3-64 letters, digits, _ : -");
      const spec = {
        method: 'SetCardOnFile',
        requestSchema: SetCardOnFileRequestSchema,
        responseSchema: SetCardOnFileResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'administer_account' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { account, decision } = await setCardOnFile(ctx, profile);
        return create(SetCardOnFileResponseSchema, {
          account: toAccount(account),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async listAccounts(request, { principal }) {
      requireBackOffice(principal, 'listing accounts');
      const listed = await store.accounts.list(readPage(request));
      return create(ListAccountsResponseSchema, {
        accounts: listed.accounts.map(toAccount),
        nextPageToken: listed.nextPageToken ?? '',
      });
    },
  };
}
