import { existsSync } from 'node:fs';
import { ledgerDatabaseOptions, loadBillingConfig } from '@acme/billing';
import { loadLicensingConfig } from '@acme/licensing';
import { loadRuleSet } from '@acme/rules';
import { ConfigError } from '@acme/util';

type DatabaseOptions = { databaseUrl: string } | { sqlitePath: string };

/** Where a reconciliation reads from, found as the licensing service and the billing consumer find it. */
export interface ReconcileSources {
  licensing: DatabaseOptions;
  ledger: DatabaseOptions;
  /** The product licensing's Contact Center billing events name, from the rule set the service runs. */
  contactCenterProductId: string;
}

/**
 * The licensing database from the licensing service's variables (DATABASE_URL, else SQLITE_PATH),
 * the ledger from the billing consumer's (BILLING_DATABASE_URL, else BILLING_SQLITE_PATH) and the
 * Contact Center product from the rules at RULES_BUNDLE, else RULES_DIR. A libsql file that does not exist is a
 * configuration error: opening it would create an empty database, and a reconciliation writes
 * nothing.
 */
export async function reconcileSources(
  env: Record<string, string | undefined> = process.env,
): Promise<ReconcileSources> {
  const licensingConfig = loadLicensingConfig(env);
  const licensing = licensingConfig.DATABASE_URL
    ? { databaseUrl: licensingConfig.DATABASE_URL }
    : { sqlitePath: existingFile('SQLITE_PATH', licensingConfig.SQLITE_PATH, 'DATABASE_URL') };
  const ledger = ledgerDatabaseOptions(loadBillingConfig(env));
  if ('sqlitePath' in ledger) existingFile('BILLING_SQLITE_PATH', ledger.sqlitePath, 'BILLING_DATABASE_URL');
  const rules = licensingConfig.RULES_BUNDLE
    ? { variable: 'RULES_BUNDLE', kind: 'bundle' as const, path: licensingConfig.RULES_BUNDLE }
    : { variable: 'RULES_DIR', kind: 'directory' as const, path: licensingConfig.RULES_DIR };
  return { licensing, ledger, contactCenterProductId: await contactCenterProductId(rules) };
}

function existingFile(variable: string, path: string, urlVariable: string): string {
  if (!existsSync(path))
    throw new ConfigError([
      `${variable}: no database file at ${path} (set ${variable}, or ${urlVariable} for PostgreSQL)`,
    ]);
  return path;
}

async function contactCenterProductId(rules: {
  variable: string;
  kind: 'bundle' | 'directory';
  path: string;
}): Promise<string> {
  const ruleSet = await loadRuleSet(rules).catch((error: unknown) => {
    throw new ConfigError([`${rules.variable}: ${error instanceof Error ? error.message : String(error)}`]);
  });
  const params = ruleSet.params.contactCenter as { contactCenterProductId?: unknown } | undefined;
  if (typeof params?.contactCenterProductId !== 'string')
    throw new ConfigError([
      `${rules.variable}: ${rules.path} has no data/contact-center.json with a contactCenterProductId`,
    ]);
  return params.contactCenterProductId;
}
