import type { AccountRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { changeAccount } from './update-account.js';
import type { UseCaseContext } from './use-case-context.js';

const cardTerms = (a: AccountRecord) => ({ cardOnFile: a.cardOnFile, billingProfileId: a.billingProfileId ?? '' });

/**
 * SetCardOnFile: the payment provider's billing profile that holds the account's card (back
 * office), or none. The card itself never reaches this service; the purchase rules read only
 * whether one is on file.
 */
export function setCardOnFile(
  ctx: UseCaseContext,
  billingProfileId: string,
): Promise<{ account: AccountRecord; decision: Decision }> {
  const changes = { cardOnFile: billingProfileId !== '', billingProfileId: billingProfileId || null };
  return changeAccount(ctx, changes, 'account.card_on_file_changed', cardTerms, (value) => ({
    case: 'cardOnFileChanged',
    value,
  }));
}
