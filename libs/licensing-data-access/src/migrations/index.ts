import { Migration20261123000000Initial } from './20261123000000-initial.js';
import { Migration20261123010000AuditOutboxIdempotency } from './20261123010000-audit-outbox-idempotency.js';
import { Migration20261123020000SalesOrdersQueues } from './20261123020000-sales-orders-queues.js';
import { Migration20261123030000PhoneConfiguration } from './20261123030000-phone-configuration.js';
import { Migration20261125000000OutboxRelayShard } from './20261125000000-outbox-relay-shard.js';
import { Migration20261125010000PrefetchFunction } from './20261125010000-prefetch-function.js';
import { Migration20261204000000SeatShortageFunction } from './20261204000000-seat-shortage-function.js';
import { Migration20261206000000IdempotencyKeyPerCaller } from './20261206000000-idempotency-key-per-caller.js';
import { Migration20261206010000SuiteParity } from './20261206010000-suite-parity.js';
import { Migration20261207000000Offerings } from './20261207000000-offerings.js';
import { Migration20261207010000BillingBasis } from './20261207010000-billing-basis.js';
import { Migration20261207020000AccountTerms } from './20261207020000-account-terms.js';
import { Migration20261207030000Quotes } from './20261207030000-quotes.js';
import { Migration20261207040000SalesOrderCancellation } from './20261207040000-sales-order-cancellation.js';
import { Migration20261207050000PhoneConfiguration } from './20261207050000-phone-configuration.js';
import { Migration20261207060000ContactCenterBilling } from './20261207060000-contact-center-billing.js';
import { Migration20261207070000UserDeactivation } from './20261207070000-user-deactivation.js';
import { Migration20261207080000AuditByRequest } from './20261207080000-audit-by-request.js';
import { Migration20261207090000AccountSuspension } from './20261207090000-account-suspension.js';
import { Migration20261207100000SeatNotices } from './20261207100000-seat-notices.js';
import { Migration20261207110000OutboxTraceParent } from './20261207110000-outbox-trace-parent.js';
import { Migration20261208000000DecisionLog } from './20261208000000-decision-log.js';

/** Every migration in order; add new ones at the end (name = timestamp + what it does). */
export const MIGRATIONS = [
  { name: 'Migration20261123000000Initial', class: Migration20261123000000Initial },
  { name: 'Migration20261123010000AuditOutboxIdempotency', class: Migration20261123010000AuditOutboxIdempotency },
  { name: 'Migration20261123020000SalesOrdersQueues', class: Migration20261123020000SalesOrdersQueues },
  { name: 'Migration20261123030000PhoneConfiguration', class: Migration20261123030000PhoneConfiguration },
  { name: 'Migration20261125000000OutboxRelayShard', class: Migration20261125000000OutboxRelayShard },
  { name: 'Migration20261125010000PrefetchFunction', class: Migration20261125010000PrefetchFunction },
  { name: 'Migration20261204000000SeatShortageFunction', class: Migration20261204000000SeatShortageFunction },
  { name: 'Migration20261206000000IdempotencyKeyPerCaller', class: Migration20261206000000IdempotencyKeyPerCaller },
  { name: 'Migration20261206010000SuiteParity', class: Migration20261206010000SuiteParity },
  { name: 'Migration20261207000000Offerings', class: Migration20261207000000Offerings },
  { name: 'Migration20261207010000BillingBasis', class: Migration20261207010000BillingBasis },
  { name: 'Migration20261207020000AccountTerms', class: Migration20261207020000AccountTerms },
  { name: 'Migration20261207030000Quotes', class: Migration20261207030000Quotes },
  {
    name: 'Migration20261207040000SalesOrderCancellation',
    class: Migration20261207040000SalesOrderCancellation,
  },
  { name: 'Migration20261207050000PhoneConfiguration', class: Migration20261207050000PhoneConfiguration },
  { name: 'Migration20261207060000ContactCenterBilling', class: Migration20261207060000ContactCenterBilling },
  { name: 'Migration20261207070000UserDeactivation', class: Migration20261207070000UserDeactivation },
  { name: 'Migration20261207080000AuditByRequest', class: Migration20261207080000AuditByRequest },
  { name: 'Migration20261207090000AccountSuspension', class: Migration20261207090000AccountSuspension },
  { name: 'Migration20261207100000SeatNotices', class: Migration20261207100000SeatNotices },
  { name: 'Migration20261207110000OutboxTraceParent', class: Migration20261207110000OutboxTraceParent },
  { name: 'Migration20261208000000DecisionLog', class: Migration20261208000000DecisionLog },
];
