import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A libsql file path in a fresh temporary directory, and a way to remove it. */
export function tempSqlitePath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'libsql-'));
  return { path: join(dir, 'test.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
