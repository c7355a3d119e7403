import type { AssignCapture } from './capture-assign.js';
import type { RecordedStatement } from './pg-protocol-recorder.js';

/**
 * A pgbench custom script that replays the statements of one captured AssignLicenses per
 * transaction: the same texts in the same order and round trips, with per-call values made
 * unique, on any account of a bench database.
 *
 * pgbench runs in simple query mode (`-M simple`), which substitutes `:variables` into the text
 * as it sends it, so every value stays what the service sent, a literal of unknown type that the
 * server types from its context, whatever the statement:
 * - a statement the service ran as a named prepared statement is PREPAREd once per connection
 *   (SQL PREPARE, the same text) and run with EXECUTE and its parameters as literals: parsed and
 *   planned once, as the service's;
 * - one it ran unnamed (parsed at every execution) or as a simple query goes out as its text,
 *   with the parameters written in as literals where it had `$n`;
 * - statements the service sent in one round trip (a pipeline) go out as one multi-statement
 *   query (`\;`), one round trip again.
 *
 * Per transaction, pgbench counts `pgb_n` per client (its variables live as long as the
 * connection), from which `pgb_g`, unique over the clients and the runs (`pgb_base`), gives the
 * account (`pgb_g mod accounts`, in turn, as the service's load goes) and the user (the next one
 * without a seat), the ids the call generated, its idempotency key and its event sequence numbers.
 */
export interface ReplayScript {
  script: string;
  statements: number;
  roundTrips: number;
  /** Statements the service ran as named prepared statements (replayed with PREPARE / EXECUTE). */
  prepared: number;
  /** What the script replaces per call, for the report. */
  substituted: string[];
}

/** A value with its per-call parts: text, or a pgbench variable. */
type Part = string | { variable: string };

/** Variables every transaction computes first. */
const HEADER = [
  '\\set pgb_n :pgb_n + 1',
  '\\set pgb_g :pgb_base + (:pgb_n - 1) * :pgb_clients + :client_id',
  '\\set pgb_a :pgb_g % :pgb_accounts',
  '\\set pgb_u (:pgb_g / :pgb_accounts) % :pgb_users',
  // Twelve digits whatever g is, so that generated ids keep one length and sort by g.
  '\\set pgb_gid 100000000000 + :pgb_g',
];

/** The variables pgbench must be given (-D): the first run's base, the clients, the accounts and users of the seed. */
export function replayVariables(options: {
  base: number;
  clients: number;
  accounts: number;
  users: number;
}): Record<string, string> {
  const { base, clients, accounts, users } = options;
  return {
    pgb_n: '0',
    pgb_base: String(base),
    pgb_clients: String(clients),
    pgb_accounts: String(accounts),
    pgb_users: String(users),
  };
}

export function replayScript(capture: AssignCapture): ReplayScript {
  const { call } = capture;
  const generatedIds = new Map<string, number>();
  const uuids = new Map<string, number>();
  const sequences = new Set<number>();
  const substituted = new Set<string>();
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  // Per-call values, in the order they are tried at each position of a value.
  const rules: { pattern: RegExp; parts: (match: RegExpExecArray) => Part[]; what: string }[] = [
    {
      pattern: new RegExp(escape(call.idempotencyKey), 'y'),
      parts: () => ['pgb-', { variable: 'pgb_gid' }],
      what: 'idempotency key',
    },
    {
      pattern: new RegExp(`${escape(call.admin)}(?![A-Za-z0-9_])`, 'y'),
      parts: () => ['usr_b', { variable: 'pgb_a' }, '_admin'],
      what: "account's admin (the caller)",
    },
    {
      pattern: new RegExp(`${escape(call.user)}(?![0-9])`, 'y'),
      parts: () => ['usr_b', { variable: 'pgb_a' }, '_', { variable: 'pgb_u' }],
      what: 'user',
    },
    {
      pattern: new RegExp(`${escape(call.account)}(?![0-9])`, 'y'),
      parts: () => ['acct_b', { variable: 'pgb_a' }],
      what: 'account',
    },
    {
      pattern: new RegExp(`${escape(call.account.replace(/^acct_/, 'sub_'))}(?![0-9])`, 'y'),
      parts: () => ['sub_b', { variable: 'pgb_a' }],
      what: 'subscription',
    },
    {
      // Ids the service generated (newId: a short prefix and 26 Crockford base32 characters).
      pattern: /(?<![A-Za-z0-9_])([a-z]{1,8})_[0-9a-hjkmnp-tv-z]{26}(?![A-Za-z0-9_])/y,
      parts: (m) => {
        const k = indexOf(generatedIds, m[0]);
        return [`${m[1]}_p`, { variable: 'pgb_gid' }, `${String(k).padStart(2, '0')}`.padEnd(13, '0')];
      },
      what: 'generated ids',
    },
    {
      pattern: /(?<![0-9a-fA-F-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-fA-F-])/y,
      parts: (m) => [
        '00000000-0000-4000-8',
        String(indexOf(uuids, m[0])).padStart(3, '0'),
        '-',
        { variable: 'pgb_gid' },
      ],
      what: 'uuids',
    },
    {
      // The account's event sequence numbers (the capture started it at a number nothing else carries).
      pattern: /(?<![0-9.])\d{10}(?![0-9.])/y,
      parts: (m) => {
        const value = Number(m[0]);
        if (value <= call.sequenceBase || value > call.sequenceBase + 100_000) return [m[0]];
        sequences.add(value);
        return [{ variable: `pgb_s${value - call.sequenceBase}` }];
      },
      what: 'event sequence numbers',
    },
  ];

  /** A value with every per-call part replaced by its variable. */
  const template = (value: string): Part[] => {
    const parts: Part[] = [];
    let text = '';
    for (let i = 0; i < value.length;) {
      let matched = false;
      for (const rule of rules) {
        rule.pattern.lastIndex = i;
        const m = rule.pattern.exec(value);
        if (!m) continue;
        const replaced = rule.parts(m);
        if (replaced.length === 1 && replaced[0] === m[0]) continue;
        substituted.add(rule.what);
        for (const part of replaced) {
          if (typeof part === 'string') text += part;
          else {
            if (text) parts.push(text);
            text = '';
            parts.push(part);
          }
        }
        i += m[0].length;
        matched = true;
        break;
      }
      if (!matched) text += value[i++];
    }
    if (text) parts.push(text);
    return parts;
  };

  const named = new Map<string, string>();
  const lines: string[] = [];
  const statements = capture.statements;
  const groups = new Map<number, RecordedStatement[]>();
  for (const s of statements) groups.set(s.roundTrip, [...(groups.get(s.roundTrip) ?? []), s]);
  for (const group of groups.values()) {
    const commands = group.map((s) => {
      if (s.protocol === 'Q') return withLiterals(s.text, template);
      const args = s.params.map((p, i) => argument(p, s.paramFormats[i] ?? 0, s.paramTypes[i] ?? 0, template));
      // An unnamed statement may carry values in its text too (MikroORM writes inserts' values in).
      if (s.statementName === '') return withParameters(withLiterals(s.text, template), args);
      const name = `"${s.statementName.replaceAll('"', '""')}"`;
      named.set(name, s.text);
      return `EXECUTE ${name}(${args.join(', ')})`;
    });
    // A trailing comment would swallow what follows on its line.
    lines.push(`${commands.join('\n\\; ')}\n;`);
  }

  // Each sequence number the call wrote, unique per transaction (the outbox's (account, sequence) is unique).
  const header = [...HEADER];
  const first = Math.min(...sequences);
  const span = sequences.size === 0 ? 0 : Math.max(...sequences) - first + 1;
  for (const value of [...sequences].sort((a, b) => a - b))
    header.push(`\\set pgb_s${value - call.sequenceBase} :pgb_g * ${span} + ${value - first + 1}`);
  const prepares = [...named].map(([name, text]) => `PREPARE ${name} AS ${text}\n;`);
  const script = [
    ...header,
    ...(prepares.length > 0 ? ['\\if :pgb_n = 1', ...prepares, '\\endif'] : []),
    ...lines,
    '',
  ].join('\n');
  for (const reserved of ['client_id', 'scale', 'random_seed', 'default_seed']) {
    if (lines.some((l) => new RegExp(`(?<!:):${reserved}(?![A-Za-z0-9_])`).test(l))) {
      throw new Error(`a captured statement carries ":${reserved}", which pgbench would replace`);
    }
  }
  const prepared = statements.filter((s) => s.protocol === 'E' && s.statementName !== '').length;
  return { script, statements: statements.length, roundTrips: groups.size, prepared, substituted: [...substituted] };
}

function indexOf(seen: Map<string, number>, value: string): number {
  if (!seen.has(value)) seen.set(value, seen.size);
  return seen.get(value)!;
}

/**
 * A literal of unknown type, as a bound text parameter is: per-call parts become pgbench variables,
 * each in a string constant of its own (constants separated by a newline are one constant to
 * PostgreSQL), so that pgbench finds its name whatever text was around it.
 */
function literal(parts: Part[]): string {
  if (parts.length === 0) return "''";
  return parts.map((p) => (typeof p === 'string' ? `'${p.replaceAll("'", "''")}'` : `':${p.variable}'`)).join('\n');
}

/** A bound parameter as a literal: text as sent, binary as bytea's hex input, NULL as NULL. */
function argument(value: Buffer | null, format: number, type: number, template: (value: string) => Part[]): string {
  if (value === null) return 'NULL';
  if (format === 0) return literal(template(value.toString('utf8')));
  // Binary parameters: only bytea (node-postgres sends Buffers so) has a text form we can write.
  if (type !== 0 && type !== 17)
    throw new Error(
      `a captured statement bound a binary parameter of type OID ${type}, which the replay cannot write as text`,
    );
  return `'\\x${value.toString('hex')}'`;
}

/** Tokens of SQL text: string constants, quoted identifiers, comments, dollar-quoted bodies, parameters. */
const SQL_TOKENS =
  /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$|\$(\d+)/g;

/** The text with each `$n` outside quotes and comments replaced by its argument. */
function withParameters(text: string, args: string[]): string {
  return text.replace(SQL_TOKENS, (token, _tag, n: string | undefined) => {
    if (n === undefined) return token;
    const arg = args[Number(n) - 1];
    if (arg === undefined) throw new Error(`a captured statement refers to $${n}, which was not bound`);
    return arg;
  });
}

/** String constants and bare numbers of SQL text (the numbers outside identifiers and parameters). */
const SQL_LITERALS = new RegExp(`${SQL_TOKENS.source}|(?<![A-Za-z0-9_$.])\\d+(?![A-Za-z0-9_.])`, 'g');

/**
 * A statement's text with the per-call values in its literals replaced: inside string constants,
 * and bare numbers (an event sequence number written in) by the variable alone.
 */
function withLiterals(text: string, template: (value: string) => Part[]): string {
  return text.replace(SQL_LITERALS, (token) => {
    if (/^\d/.test(token)) {
      const parts = template(token);
      return parts.length === 1 && typeof parts[0] !== 'string' ? `:${parts[0]!.variable}` : token;
    }
    if (!token.startsWith("'")) return token;
    const parts = template(token.slice(1, -1).replaceAll("''", "'"));
    return parts.some((p) => typeof p !== 'string') ? literal(parts) : token;
  });
}

/**
 * The text with its literals (string constants, bare numbers) replaced by `?`: two calls that
 * differ only in the values MikroORM wrote into the text have the same shape.
 */
export function withoutLiterals(text: string): string {
  return text.replace(SQL_LITERALS, (token) => (/^\d/.test(token) || token.startsWith("'") ? '?' : token));
}
