import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closeTestDatabase } from './closed-database.js';
import { withPostgresDatabase } from './with-postgres.js';

const closed = await withPostgresDatabase('closed');
const bystander = await withPostgresDatabase('bystander');

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const answers = (client: pg.Client) =>
  client.query('select 1').then(
    () => true,
    () => false,
  );

describe.skipIf(closed.skip)('closeTestDatabase', () => {
  it('refuses new sessions and, asked to, ends open ones of that database only, until opened again', async () => {
    const inside = await connected(closed.url);
    const outside = await connected(bystander.url);
    const open = await closeTestDatabase(closed.url, { terminate: true });
    try {
      await expect(connected(closed.url)).rejects.toMatchObject({ code: '55000', severity: 'FATAL' });
      expect(await answers(inside)).toBe(false);
      expect(await answers(outside)).toBe(true);
    } finally {
      await open();
    }
    const again = await connected(closed.url);
    expect(await answers(again)).toBe(true);
    await Promise.all([inside.end().catch(() => undefined), outside.end(), again.end()]);
  });

  it('leaves open sessions alone unless asked to end them', async () => {
    const inside = await connected(closed.url);
    const open = await closeTestDatabase(closed.url);
    try {
      await expect(connected(closed.url)).rejects.toMatchObject({ code: '55000' });
      expect(await answers(inside)).toBe(true);
    } finally {
      await open();
      await inside.end();
    }
  });
});
