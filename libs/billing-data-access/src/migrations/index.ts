import { Migration20261125010000Ledger } from './20261125010000-ledger.js';

/** Every migration in order; add new ones at the end (name = timestamp + what it does). */
export const MIGRATIONS = [{ name: 'Migration20261125010000Ledger', class: Migration20261125010000Ledger }];
