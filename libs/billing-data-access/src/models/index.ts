export { ProcessedEvent } from './processed-event.entity.js';
export { LedgerEntry } from './ledger-entry.entity.js';

import { ProcessedEvent } from './processed-event.entity.js';
import { LedgerEntry } from './ledger-entry.entity.js';

export const ENTITIES = [ProcessedEvent, LedgerEntry];
