/**
 * `npm run migrate` (licensing half): brings the licensing database named by DATABASE_URL (or the
 * libsql file SQLITE_PATH) up to this version's schema and seeds the catalog, then exits. The
 * service does the same at start, under the same lock, so running this first is optional: it lets
 * a deployment migrate before it starts new instances and see what was applied.
 */
import { openDatabase } from '@acme/licensing-data-access';
import { loadLicensingConfig } from '@acme/licensing';

try {
  const config = loadLicensingConfig();
  const db = await openDatabase(
    config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL, poolSize: 1 } : { sqlitePath: config.SQLITE_PATH },
  );
  try {
    const applied = await db.migrate();
    const where = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : config.SQLITE_PATH;
    process.stdout.write(
      applied.length ? `licensing: applied ${applied.join(', ')} on ${where}\n` : `licensing: up to date on ${where}\n`,
    );
  } finally {
    await db.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
