import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPostgres,
  skipWithoutPostgres,
  startTcpProxy,
  type TcpProxy,
  type TestDatabase,
} from '@acme/testing';
import { PgProtocolRecorder } from './pg-protocol-recorder.js';

const skip = await skipWithoutPostgres();

describe.skipIf(skip)('PgProtocolRecorder, between node-postgres and PostgreSQL', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  const recorder = new PgProtocolRecorder();

  beforeAll(async () => {
    database = await createTestPostgres('bench_recorder');
    const url = new URL(database.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) }, { onData: recorder.onData });
  });
  afterAll(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it('records simple queries, unnamed and named statements with their parameters, each in its round trip', async () => {
    const client = new pg.Client({ connectionString: proxy.url(database.url) });
    await client.connect();
    try {
      await client.query({ name: 'joined', text: 'select $1::text || $2 as s', values: ['before', 'recording'] });
      recorder.start();
      await client.query('select 1');
      await client.query('select $1::int + 1 as n', [41]);
      await client.query({ name: 'joined', text: 'select $1::text || $2 as s', values: ['a', null] });
      await client.query('select length($1::bytea) as n', [Buffer.from([0, 1, 2])]);
      const recorded = recorder.stop();
      expect(recorded.map((s) => [s.protocol, s.statementName, s.text])).toEqual([
        ['Q', '', 'select 1'],
        ['E', '', 'select $1::int + 1 as n'],
        // Prepared before the recording started: known by its name, bound only now.
        ['E', 'joined', 'select $1::text || $2 as s'],
        ['E', '', 'select length($1::bytea) as n'],
      ]);
      expect(recorded[1]!.params.map((p) => p?.toString())).toEqual(['41']);
      expect(recorded[2]!.params.map((p) => p?.toString() ?? null)).toEqual(['a', null]);
      expect(recorded[3]!.paramFormats).toEqual([1]);
      expect(recorded[3]!.params[0]).toEqual(Buffer.from([0, 1, 2]));
      // node-postgres waits for each answer: four round trips.
      expect(new Set(recorded.map((s) => s.roundTrip)).size).toBe(4);
    } finally {
      await client.end();
    }
  });

  it('puts what a client sends before the answers it waits for (a pipeline) in one round trip', async () => {
    const url = new URL(proxy.url(database.url));
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let answers = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (answers = Buffer.concat([answers, chunk])));
    const readyCount = () => {
      let n = 0;
      for (let at = 0; at + 5 <= answers.length; at += 1 + answers.readInt32BE(at + 1)) if (answers[at] === 0x5a) n++;
      return n;
    };
    const until = async (n: number) => {
      while (readyCount() < n) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const params = Buffer.from(`user\0postgres\0database\0${url.pathname.slice(1)}\0\0`);
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    socket.write(startup);
    await until(1);
    const query = (sql: string) => {
      const text = Buffer.from(`${sql}\0`);
      const message = Buffer.alloc(5 + text.length);
      message.write('Q', 0, 'latin1');
      message.writeInt32BE(4 + text.length, 1);
      text.copy(message, 5);
      return message;
    };
    recorder.start();
    socket.write(Buffer.concat([query('begin'), query('select 2')]));
    await until(3);
    socket.write(query('commit'));
    await until(4);
    const recorded = recorder.stop();
    socket.end();
    expect(recorded.map((s) => s.text)).toEqual(['begin', 'select 2', 'commit']);
    expect(recorded[0]!.roundTrip).toBe(recorded[1]!.roundTrip);
    expect(recorded[2]!.roundTrip).toBeGreaterThan(recorded[1]!.roundTrip);
  });
});
