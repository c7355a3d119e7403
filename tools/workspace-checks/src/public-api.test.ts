/**
 * Each lib's public API is its `src/index.ts`, and it holds only what other projects use: a name
 * exported and imported nowhere else is either dead or internal, and internal names are imported
 * by relative path inside their lib. Deliberate exceptions are in `public-api.allow.ts`, with a
 * reason each.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOWED_UNUSED_EXPORTS } from './public-api.allow.js';
import { checkPublicApis } from './public-api.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Generated code (protoc-gen-es): its index re-exports the generated modules whole. */
const NEVER_CHECKED = ['@acme/contracts'];

const FIX =
  'stop exporting it (import it by relative path inside its lib), or allow it in public-api.allow.ts with a reason';

describe('public APIs (src/index.ts)', () => {
  const report = checkPublicApis(root, { skip: new Set(NEVER_CHECKED), allowed: ALLOWED_UNUSED_EXPORTS });

  it(`export only names another project imports (else: ${FIX})`, () => {
    expect(report.unused).toEqual([]);
  });

  it('allow-list entries still apply', () => {
    expect(report.staleAllowances).toEqual([]);
  });

  it('a project imports its own code by relative path, not by its package name', () => {
    expect(report.selfImports).toEqual([]);
  });
});

describe('the check itself, on a small workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'public-api-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('libs/a/package.json', JSON.stringify({ name: '@acme/a' }));
  write(
    'libs/a/src/index.ts',
    [
      "export { one, two, three, four, five } from './x.js';",
      "export type { Six } from './x.js';",
      'export const SEVEN = 7;',
      'export function unused() {}',
      'export interface Allowed {}',
    ].join('\n'),
  );
  write('libs/a/src/own.test.ts', "import { unused } from '@acme/a';\n");
  write('apps/b/package.json', JSON.stringify({ name: '@acme/b' }));
  write(
    'apps/b/src/main.ts',
    [
      'import {',
      '  one,',
      '  type Six as Renamed,',
      "} from '@acme/a';",
      "export { two } from '@acme/a';",
      "type T = typeof import('@acme/a').SEVEN;",
      'const s = "import { unused } from \'@acme/a\'"; // text, not an import',
    ].join('\n'),
  );
  write('tools/c/package.json', JSON.stringify({ name: '@acme/c' }));
  write('tools/c/src/x.test.ts', "import { three, four as vier } from '@acme/a';\n");

  it('counts multi-line, type, renamed, re-exported and type-position imports from other projects only', () => {
    const report = checkPublicApis(dir, {
      skip: new Set(),
      allowed: { '@acme/a': { Allowed: 'a reason', one: 'stale: imported' }, '@acme/gone': { x: 'stale: no project' } },
    });
    expect(report.unused).toEqual(['@acme/a: five', '@acme/a: unused']);
    expect(report.staleAllowances).toEqual([
      '@acme/a: one is imported by another project now',
      '@acme/gone: no such project',
    ]);
    expect(report.selfImports).toEqual(['libs/a/src/own.test.ts: @acme/a']);
  });

  it('skips the projects it is told to skip', () => {
    expect(checkPublicApis(dir, { skip: new Set(['@acme/a']), allowed: {} })).toEqual({
      unused: [],
      staleAllowances: [],
      selfImports: [],
    });
  });
});
