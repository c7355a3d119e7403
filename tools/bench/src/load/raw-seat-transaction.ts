/**
 * The ceiling for writes: the seat transaction in raw `pg`, without ORM, rules, audit, outbox or
 * idempotency: read the subscription (FOR UPDATE when it is one hot row), check, insert the
 * assignment, update the counter. Runs as its own process:
 *   DATABASE_URL=… CLIENTS=8 SECONDS=10 ACCOUNTS=1000 USERS=200 OFFSET=0 node --import tsx raw-seat-transaction.ts
 * and prints one JSON line { calls, seconds, errors, machineBusyMicros, ownCpuMicros } (the whole machine's CPU over the run).
 */
import pg from 'pg';
import { cpuWindow } from '../lib/machine-cpu.js';
import { loadSettings, required } from './load-settings.js';

const { clients, accounts, users, seconds, offset } = loadSettings();
const deadline = Date.now() + seconds * 1000;
const lock = accounts === 1 ? ' for update' : '';
const pool = new pg.Pool({ connectionString: required('DATABASE_URL'), max: clients });
let next = offset;
let calls = 0;
let errors = 0;

async function worker(): Promise<void> {
  while (Date.now() < deadline) {
    const n = next++;
    const account = n % accounts;
    const user = Math.floor(n / accounts) % users;
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ purchased_seats: number; assigned_seats: number }>(`select purchased_seats, assigned_seats from subscription where id = $1${lock}`, [`sub_b${account}`]);
      if (rows[0]!.assigned_seats >= rows[0]!.purchased_seats) throw new Error('no seat left');
      await client.query(`insert into assignment (id, account_id, user_id, product_id, features, created_at) values ($1, $2, $3, 'goto_meeting', '{}', now())`, [`asg_raw_${n}`, `acct_b${account}`, `usr_b${account}_${user}`]);
      await client.query('update subscription set assigned_seats = assigned_seats + 1 where id = $1 and assigned_seats + 1 <= purchased_seats', [`sub_b${account}`]);
      await client.query('commit');
      calls++;
    } catch {
      errors++;
      await client.query('rollback').catch(() => undefined);
    } finally {
      client.release();
    }
  }
}

const started = Date.now();
const cpu = cpuWindow();
await Promise.all(Array.from({ length: clients }, worker));
process.stdout.write(`${JSON.stringify({ calls, errors, seconds: (Date.now() - started) / 1000, ...cpu() })}\n`);
await pool.end();
