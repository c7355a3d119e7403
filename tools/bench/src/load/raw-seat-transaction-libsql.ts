/**
 * The writes ceiling on the embedded database (a report row, no target): the seat transaction
 * (read the subscription, check, insert the assignment, update the counter) on a libsql file with
 * the `libsql` driver MikroORM uses, without ORM, rules, audit, outbox or idempotency. The driver
 * is synchronous and SQLite has one writer, so the transactions run one after another in this
 * process (CLIENTS is ignored). Runs as its own process:
 *   SQLITE_PATH=… SECONDS=10 ACCOUNTS=1000 USERS=250 OFFSET=0 CLIENTS=1 node --import tsx raw-seat-transaction-libsql.ts
 * and prints one JSON line { calls, seconds, errors, machineBusyMicros, ownCpuMicros } (the whole machine's CPU over the run).
 */
import Database from 'libsql';
import { cpuWindow } from '../lib/machine-cpu.js';
import { loadSettings, required } from './load-settings.js';

const { accounts, users, seconds, offset } = loadSettings();
const db = new Database(required('SQLITE_PATH'));
// What MikroORM sets on every libsql connection.
db.exec('pragma foreign_keys = on');
const read = db.prepare('select purchased_seats, assigned_seats from subscription where id = ?');
const insert = db.prepare(
  "insert into assignment (id, account_id, user_id, product_id, features, created_at) values (?, ?, ?, 'goto_meeting', '{}', ?)",
);
const update = db.prepare(
  'update subscription set assigned_seats = assigned_seats + 1 where id = ? and assigned_seats + 1 <= purchased_seats',
);
const started = Date.now();
const cpu = cpuWindow();
const deadline = started + seconds * 1000;
let calls = 0;
let errors = 0;
for (let n = offset; Date.now() < deadline; n++) {
  const account = n % accounts;
  const user = Math.floor(n / accounts) % users;
  try {
    db.exec('begin');
    const row = read.get(`sub_b${account}`) as { purchased_seats: number; assigned_seats: number };
    if (row.assigned_seats >= row.purchased_seats) throw new Error('no seat left');
    insert.run(`asg_raw_${n}`, `acct_b${account}`, `usr_b${account}_${user}`, Date.now());
    update.run(`sub_b${account}`);
    db.exec('commit');
    calls++;
  } catch {
    errors++;
    db.exec('rollback');
  }
}
process.stdout.write(`${JSON.stringify({ calls, errors, seconds: (Date.now() - started) / 1000, ...cpu() })}\n`);
db.close();
