import { Migration20261125010000Ledger } from './20261125010000-ledger.js';
import { Migration20261207010000BillingBasis } from './20261207010000-billing-basis.js';
import { Migration20261207110000EventCauses } from './20261207110000-event-causes.js';

/** Every migration in order; add new ones at the end (name = timestamp + what it does). */
export const MIGRATIONS = [
  { name: 'Migration20261125010000Ledger', class: Migration20261125010000Ledger },
  { name: 'Migration20261207010000BillingBasis', class: Migration20261207010000BillingBasis },
  { name: 'Migration20261207110000EventCauses', class: Migration20261207110000EventCauses },
];
