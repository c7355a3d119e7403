/**
 * `npm run rules -- impact <edited-dir>`: what an edit of the policies would change in the
 * decisions the service made. The decisions come from the licensing database's decision log
 * (DATABASE_URL, else SQLITE_PATH, as the service reads them); the comparison is the rules lib's
 * (impactOf), which knows nothing of databases.
 */
import { Command, InvalidArgumentError } from 'commander';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import { loadLicensingConfig } from '@acme/licensing';
import {
  DEFAULT_POLICIES_DIR,
  formatImpact,
  loadRules,
  impactOf,
  verifyPolicies,
  verificationProblems,
  type RecordedDecision,
} from '@acme/rules';

const BATCH = 500;

/** `7d`, `12h`, `30m`: how far back to replay. */
export function parseSince(value: string): number {
  const match = /^(\d{1,5})([dhm])$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected a duration such as 7d, 12h or 30m');
  return Number(match[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
}

/** The logged decisions from `from` on, oldest first, read a batch at a time. */
export async function* loggedDecisions(
  db: Pick<Database, 'decisions'>,
  query: { from: Date; accountId?: string },
): AsyncGenerator<RecordedDecision> {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const batch = await db.decisions.since({ ...query, ...(after ? { after } : {}), limit: BATCH });
    yield* batch;
    if (batch.length < BATCH) return;
    const last = batch[batch.length - 1]!;
    after = { at: last.decidedAt, id: last.id };
  }
}

interface ImpactOptions {
  since: number;
  account?: string;
  base: string;
  accept: string[];
}

/** Runs the impact of `editedDir` on the decision log of `db`; answers the exit code. */
export async function runImpact(
  db: Pick<Database, 'decisions'>,
  editedDir: string,
  options: ImpactOptions,
  now: Date,
  print: (line: string) => void,
): Promise<number> {
  const edit = await verifyPolicies(editedDir);
  if (!edit.ruleSet) {
    for (const p of verificationProblems(edit)) print(`${p.file}: ${p.path}: ${p.problem}`);
    print(`${editedDir} does not check: nothing replayed`);
    return 1;
  }
  // The rules the decisions were made with: a directory or the bundle the service runs, through the service's gate.
  const base = await loadRules(options.base);
  const from = new Date(now.getTime() - options.since);
  const report = await impactOf(
    loggedDecisions(db, { from, ...(options.account ? { accountId: options.account } : {}) }),
    { ...edit, ruleSet: edit.ruleSet },
    base.ruleSet,
    { accept: options.accept },
  );
  const scope = `since ${from.toISOString()}, ${options.account ?? 'every account'}`;
  print(formatImpact(report, scope));
  // A case of the edit that fails is refused by the service's reload anyway: say it here too.
  const failing = verificationProblems(edit);
  for (const p of failing) print(`edited rules: ${p.file}: ${p.path}: ${p.problem}`);
  return report.covered && failing.length === 0 ? 0 : 1;
}

export function impactCommand(): Command {
  return new Command('impact')
    .argument('<dir>', 'the edited policies directory')
    .option('--since <duration>', 'replay decisions from this long ago (7d, 12h, 30m)', parseSince, 7 * 86_400_000)
    .option('--account <id>', 'only this account’s decisions')
    .option(
      '--base <dir>',
      'the rules the decisions were made with: a directory or a bundle (default: the shipped policies)',
      DEFAULT_POLICIES_DIR,
    )
    .option(
      '--accept <ruleIds>',
      'rules whose changes you reviewed (comma-separated): not required to be covered by a case',
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      [] as string[],
    )
    .description(
      'replay the decision log against edited rules: per rule, which decisions would flip, with examples; ' +
        'exit 1 when a change is not covered by a case (reads DATABASE_URL or SQLITE_PATH)',
    )
    .action(async (dir: string, options: ImpactOptions) => {
      const config = loadLicensingConfig(process.env);
      const db = await openDatabase(
        config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.SQLITE_PATH },
      );
      try {
        if ((await db.pendingSchemaChanges()) !== '')
          throw new Error('the licensing database is not migrated: run `npm run migrate` (or start the service) first');
        process.exitCode = await runImpact(db, dir, options, new Date(), (line) => console.log(line));
      } finally {
        await db.close();
      }
    });
}
