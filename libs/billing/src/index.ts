export { startBillingConsumer } from './billing-consumer.js';
export type { BillingConsumer, BillingConsumerStats } from './billing-consumer.js';
