import type { AccountRecord, LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/** What an account's terms look like in its audit entries and events. */
export const accountTerms = (a: AccountRecord) => ({
  name: a.name,
  kind: a.kind,
  legacyPlan: a.legacyPlan,
  offeringId: a.offeringId ?? '',
});

/** The roles of a new account's first user: who buys seats in that style (GoTo super admin, Zendesk owner). */
export const FIRST_USER_ROLES: Record<AccountRecord['style'], string[]> = {
  goto: ['super_admin'],
  zendesk: ['owner', 'admin'],
};

/**
 * An offering an account may take: one of the catalog's, every rate in the account's currency (an
 * account is charged in one currency; rates are never converted).
 */
export async function requireOfferingIn(tx: LicenseBook, offeringId: string, currency: string): Promise<void> {
  const offering = await tx.offering(offeringId);
  if (!offering)
    throw AppError.invalidArgument([
      { field: 'offering_id', description: `${offeringId} is not an offering of the catalog` },
    ]);
  const other = offering.prices.filter((p) => p.currency !== currency);
  if (other.length > 0)
    throw AppError.invalidArgument([
      {
        field: 'offering_id',
        description:
          `${offeringId} has rates in ${[...new Set(other.map((p) => p.currency))].join(', ')}, ` +
          `not in the account's currency ${currency}`,
      },
    ]);
}
