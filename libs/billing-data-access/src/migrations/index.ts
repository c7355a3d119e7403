import { Migration20261125010000Ledger } from './20261125010000-ledger.js';
import { Migration20261207010000BillingBasis } from './20261207010000-billing-basis.js';

/** Every migration in order; add new ones at the end (name = timestamp + what it does). */
export const MIGRATIONS = [
  { name: 'Migration20261125010000Ledger', class: Migration20261125010000Ledger },
  { name: 'Migration20261207010000BillingBasis', class: Migration20261207010000BillingBasis },
];
