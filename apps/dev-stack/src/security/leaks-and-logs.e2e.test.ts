/**
 * Over the socket, with the service's real logger writing to memory: the log lines of a request
 * carry its request id, the relay's lines carry it as the causation id of the events it caused,
 * and no line carries a token. Then the database breaks under the running service (libsql: tables
 * renamed by another connection; PostgreSQL: connections cut and refused) and every RPC is called:
 * the caller gets a bare INTERNAL with the request id, never SQL, a stack or a token.
 */
import { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcStatus } from '@acme/grpc';
import { closeTestDatabase, eventually, withPostgresDatabase } from '@acme/testing';
import { createLogger } from '@acme/util';
import { PLANS, prepareFixtures, probesFor, type Probe } from './rpc-requests.js';
import { bearer, GOTO, startSecurityStack, type Outcome, type SecurityStack } from './security-stack.js';

const postgres = await withPostgresDatabase('leaks');
const INTERNAL_MESSAGE = 'internal error; quote the request id when reporting it';
/** What must never reach a caller: SQL, driver and database words, stack frames, source paths, tokens. */
const LEAK = new RegExp(
  [
    String.raw`\b(select|insert|update|delete)\b`,
    String.raw`\bfrom "`,
    'no such table',
    'sqlite',
    'libsql',
    'postgres',
    'relation "',
    'terminating connection',
    String.raw`\n\s+at `,
    String.raw`\.ts:\d`,
    'node_modules',
    'eyJ',
    'Bearer ',
  ].join('|'),
  'i',
);

interface Variant {
  name: string;
  skip: boolean;
  env(): Record<string, string>;
  /** Breaks the database under the running service. */
  breakDatabase(stack: SecurityStack): Promise<void>;
}

const VARIANTS: Variant[] = [
  {
    name: 'libsql',
    skip: false,
    env: () => ({}),
    async breakDatabase(stack) {
      const other = new DatabaseSync(stack.databaseFile);
      for (const table of [
        'app_user',
        'assignment',
        'audit_entry',
        'subscription',
        'cc_queue',
        'sales_order',
        'account',
      ])
        other.exec(`alter table ${table} rename to ${table}_gone`);
      other.close();
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgres.skip,
    env: () => ({ DATABASE_URL: postgres.url }),
    async breakDatabase() {
      // Left closed: the file's fixture drops the database with FORCE at the end.
      await closeTestDatabase(postgres.url, { terminate: true });
    },
  },
];

describe.each(VARIANTS)('leaks and logs ($name)', (variant) => {
  const lines: string[] = [];
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  let stack: SecurityStack;
  let probes: Probe[];
  const tokens: string[] = [];
  let admin: string;

  beforeAll(async () => {
    if (variant.skip) return;
    const destination = new Writable({ write: (chunk, _e, done) => void (lines.push(String(chunk)), done()) });
    stack = await startSecurityStack({
      logger: createLogger({ name: 'dev-stack', level: 'info', destination }),
      env: variant.env(),
    });
    probes = probesFor(PLANS[GOTO]!, await prepareFixtures(stack, PLANS[GOTO]!), true);
    admin = await stack.sign({ subject: 'usr_demo_goto_admin', accountId: GOTO });
    tokens.push(admin, await stack.sign({ subject: 'usr_demo_goto_agent', accountId: GOTO }));
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const call = (probe: Probe, token: string, requestId: string) =>
    stack.call(probe.rpc, probe.body({ userId: 'usr_demo_goto_agent' }), bearer(token), { 'x-request-id': requestId });
  const probe = (label: string) => probes.find((p) => p.label === label)!;

  it.skipIf(variant.skip)(
    'log lines of a request carry its request id, the relay lines its causation id, and no line a token',
    async () => {
      const [superAdmin, member] = tokens as [string, string];
      const tampered = `${member.slice(0, -4)}AAAA`;
      tokens.push(tampered);
      const outcomes: Record<string, Outcome> = {
        'req-read': await call(probe('ListUsers'), superAdmin, 'req-read'),
        'req-write': await call(probe('AssignLicenses (another user)'), superAdmin, 'req-write'),
        'req-refused': await call(probe('UnassignLicenses'), member, 'req-refused'),
        'req-unauthenticated': await call(probe('ListUsers'), tampered, 'req-unauthenticated'),
      };
      expect(Object.values(outcomes).map((o) => GrpcStatus[o.code])).toEqual([
        'OK',
        'OK',
        'PERMISSION_DENIED',
        'UNAUTHENTICATED',
      ]);
      // The relay publishes in the background: wait for its line (eventually's 30 s only catch a relay that never logs it).
      await eventually(
        () =>
          parsed().some(
            (l) =>
              l.msg === 'outbox events published' && JSON.stringify(l.events).includes('"causationId":"req-write"'),
          ),
        { what: 'the relay line for the events of req-write' },
      );

      for (const requestId of Object.keys(outcomes)) {
        expect(
          parsed().filter((l) => l.requestId === requestId && typeof l.method === 'string'),
          requestId,
        ).toHaveLength(1);
      }
      expect(parsed().filter((l) => typeof l.method === 'string' && typeof l.requestId !== 'string')).toEqual([]);
      const published = parsed().find(
        (l) => l.msg === 'outbox events published' && JSON.stringify(l.events).includes('"causationId":"req-write"'),
      );
      expect(published, 'the relay line for the events of req-write').toBeDefined();
      expect(lines.filter((l) => tokens.some((t) => l.includes(t) || l.includes(t.split('.')[1]!)))).toEqual([]);
      expect(Object.values(outcomes).filter((o) => o.trailers && LEAK.test(o.trailers))).toEqual([]);
    },
  );

  it.skipIf(variant.skip)(
    'with the database broken under it, every RPC fails as a bare INTERNAL (or UNAVAILABLE) with the request id: no SQL, stack or token',
    async () => {
      await variant.breakDatabase(stack);
      const outcomes: { label: string; requestId: string; outcome: Outcome }[] = [];
      for (const p of probes) {
        const requestId = `req-broken-${outcomes.length}`;
        outcomes.push({ label: p.label, requestId, outcome: await call(p, admin, requestId) });
      }
      // A lost connection may be reported as UNAVAILABLE (retry), anything else as INTERNAL: both are failures.
      const failed = outcomes.filter(
        (o) => o.outcome.code === GrpcStatus.INTERNAL || o.outcome.code === GrpcStatus.UNAVAILABLE,
      );
      // ListProducts reads only the catalog (left in place on libsql).
      expect(failed.length).toBeGreaterThanOrEqual(probes.length - 2);
      for (const { label, requestId, outcome } of failed) {
        if (outcome.code === GrpcStatus.INTERNAL)
          expect(outcome, label).toMatchObject({ message: INTERNAL_MESSAGE, reason: 'INTERNAL', requestId });
        else expect(outcome, label).toMatchObject({ reason: 'UNAVAILABLE', requestId });
        expect(outcome.trailers!.match(LEAK)?.[0] ?? null, label).toBeNull();
        const logged = parsed().find((l) => l.requestId === requestId && typeof l.method === 'string');
        expect(logged, `${label}: the call's log line`).toBeDefined();
        if (outcome.code === GrpcStatus.INTERNAL)
          expect(logged?.err, `${label}: the log keeps the cause for operators`).toBeDefined();
      }
      // No answer and no log line carries SQL, a stack or a token.
      expect(outcomes.filter((o) => o.outcome.trailers && LEAK.test(o.outcome.trailers)).map((o) => o.label)).toEqual(
        [],
      );
      expect(lines.filter((l) => tokens.some((t) => l.includes(t)))).toEqual([]);
    },
  );
});
