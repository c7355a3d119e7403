export { startBillingService } from './consumer/billing-service.js';
export type { RunningBillingService } from './consumer/billing-service.js';
export { loadBillingConfig, ledgerDatabaseOptions } from './config.js';
export type { BillingConfig } from './config.js';
export { replayAndCompare } from './replay/replay.js';
// Billing ledger: pure domain logic (event -> ledger entries, invoice previews); see README.md.
export { previewInvoice } from './ledger/invoice.js';
export { formatInvoice } from './ledger/format-invoice.js';
export { ledgerHoldings } from './ledger/holdings.js';
export type { LedgerHoldings } from './ledger/holdings.js';
export { startBillingApi } from './api/billing-api.js';
export type { RunningBillingApi } from './api/billing-api.js';
export { loadBillingApiConfig } from './api/config.js';
export { licensingAdminCheck, serviceTokensOnly } from './api/licensing-admin-check.js';
