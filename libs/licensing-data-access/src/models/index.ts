export { Suite } from './suite.entity.js';
export { Product } from './product.entity.js';
export { Account } from './account.entity.js';
export { Subscription } from './subscription.entity.js';
export { User } from './user.entity.js';
export { Assignment } from './assignment.entity.js';
export { AuditEntry } from './audit-entry.entity.js';
export { OutboxEvent } from './outbox-event.entity.js';
export { IdempotencyRecord } from './idempotency-record.entity.js';
export { SalesOrder } from './sales-order.entity.js';
export { Queue } from './queue.entity.js';
export { QueueMember } from './queue-member.entity.js';
export { PhoneConfiguration } from './phone-configuration.entity.js';
export { Offering } from './offering.entity.js';
export { Quote } from './quote.entity.js';
export { ContactCenterBilling } from './contact-center-billing.entity.js';
export { DecisionRecord } from './decision-record.entity.js';

import { Suite } from './suite.entity.js';
import { Product } from './product.entity.js';
import { Account } from './account.entity.js';
import { Subscription } from './subscription.entity.js';
import { User } from './user.entity.js';
import { Assignment } from './assignment.entity.js';
import { AuditEntry } from './audit-entry.entity.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';
import { SalesOrder } from './sales-order.entity.js';
import { Queue } from './queue.entity.js';
import { QueueMember } from './queue-member.entity.js';
import { PhoneConfiguration } from './phone-configuration.entity.js';
import { Offering } from './offering.entity.js';
import { Quote } from './quote.entity.js';
import { ContactCenterBilling } from './contact-center-billing.entity.js';
import { DecisionRecord } from './decision-record.entity.js';

export const ENTITIES = [
  Suite,
  Product,
  Account,
  Subscription,
  User,
  Assignment,
  AuditEntry,
  OutboxEvent,
  IdempotencyRecord,
  SalesOrder,
  Queue,
  QueueMember,
  PhoneConfiguration,
  Offering,
  Quote,
  ContactCenterBilling,
  DecisionRecord,
];
