import { describe, expect, it } from 'vitest';
import { createOrm, dialectOf } from './orm.js';

const schema = { entities: [], migrations: [], defaultSqlitePath: ':memory:' };

describe('createOrm', () => {
  it('refuses a database URL that is not PostgreSQL, saying what it expects', async () => {
    await expect(createOrm(schema, { databaseUrl: 'mysql://root@localhost/x' })).rejects.toThrow(
      'databaseUrl must start with postgres:// or postgresql://',
    );
  });

  it('picks the dialect from the options', () => {
    expect(dialectOf({ databaseUrl: 'postgres://x' })).toBe('postgres');
    expect(dialectOf({ sqlitePath: 'a.db' })).toBe('libsql');
  });
});
