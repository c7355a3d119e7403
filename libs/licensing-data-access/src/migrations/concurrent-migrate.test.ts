/**
 * Found with two instances on one fresh PostgreSQL: started at the same moment, 4 of 10 starts
 * exited (duplicate key in pg_type: both created the same tables). Migrations now run under an
 * advisory lock: however many instances start at once, one migrates and the others find it done.
 */
import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../../test/fresh-databases.js';
import { openDatabase } from '../database.js';

const [, postgres] = FRESH_DATABASES;

describe.skipIf(postgres[2])('migrations started by several instances at once on PostgreSQL', () => {
  it('run once: every instance starts, the schema is whole', async () => {
    const { options, drop } = await postgres[1]();
    const instances = await Promise.all(Array.from({ length: 5 }, () => openDatabase({ ...options, poolSize: 2 })));
    try {
      const outcomes = await Promise.allSettled(instances.map((db) => db.migrate()));
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(await instances[0]!.pendingSchemaChanges()).toBe('');
    } finally {
      await Promise.all(instances.map((db) => db.close()));
      await drop();
    }
  });
});
