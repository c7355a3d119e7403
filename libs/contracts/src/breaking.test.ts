/**
 * The breaking-change check `npm test` runs (tools/scripts/check-breaking.sh: buf breaking against
 * the previous commit, with the rules in buf.yaml) catches what would break a published client.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The workspace's protos and buf.yaml in a scratch directory, with `edit` applied to one file. */
function copyWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-breaking-'));
  dirs.push(dir);
  cpSync(join(root, 'proto'), join(dir, 'proto'), { recursive: true });
  cpSync(join(root, 'buf.yaml'), join(dir, 'buf.yaml'));
  const path = join(dir, 'proto', file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

const breaking = (dir: string) =>
  run(join(root, 'node_modules/.bin/buf'), ['breaking', dir, '--against', root], { timeout: 60_000 }).then(
    () => ({ code: 0, stdout: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

describe('the breaking-change check on the contracts', () => {
  it('accepts a new field', async () => {
    const added = copyWith('acme/licensing/v1/user.proto', (t) =>
      t.replace('message GetUserRequest {', 'message GetUserRequest {\n  // New.\n  bool include_history = 3;'),
    );
    expect(await breaking(added)).toEqual({ code: 0, stdout: '' });
  }, 90_000);

  it('refuses a removed field and a field whose number changed', async () => {
    const removed = copyWith('acme/licensing/v1/user.proto', (t) => t.replace('  string email = 3;\n', ''));
    const result = await breaking(removed);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('"email"');
    const renumbered = copyWith('acme/licensing/v1/assignment.proto', (t) =>
      t.replace('bool remove_from_all_queues = 7;', 'bool remove_from_all_queues = 17;'),
    );
    expect((await breaking(renumbered)).code).not.toBe(0);
  }, 90_000);
});
