/**
 * Proves the architecture is enforced, not just written down: each forbidden import below must be
 * reported by the lint step, and an allowed one must not. Runs ESLint with the workspace config on
 * source text placed (virtually) inside each project. The boundary rule needs Nx's project graph,
 * which `nx run-many` computes before running this test.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  const messages = result?.messages ?? [];
  const skipped = messages.find((m) => m.message.includes('No cached ProjectGraph'));
  if (skipped) throw new Error('the boundary rule was skipped: run through nx so the project graph exists');
  return messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it.each([
    [
      'billing never imports licensing',
      'libs/billing/src/probe.ts',
      "import { DEV_DEFAULTS } from '@acme/licensing';\nexport const x = DEV_DEFAULTS;",
      /scope:billing/,
    ],
    [
      'licensing never imports billing',
      'libs/licensing/src/probe.ts',
      "import { startBillingConsumer } from '@acme/billing';\nexport const x = startBillingConsumer;",
      /scope:licensing/,
    ],
    [
      'rules import only utilities',
      'libs/rules/src/probe.ts',
      "import { GrpcServer } from '@acme/grpc';\nexport const x = GrpcServer;",
      /type:domain/,
    ],
    [
      'MikroORM stays in data-access libs',
      'libs/licensing/src/probe.ts',
      "import { MikroORM } from '@mikro-orm/core';\nexport const x = MikroORM;",
      /@mikro-orm\/core/,
    ],
    [
      'kafkajs stays in the messaging lib',
      'libs/licensing-data-access/src/probe.ts',
      "import { Kafka } from 'kafkajs';\nexport const x = Kafka;",
      /kafkajs/,
    ],
    [
      'apps do not touch the ORM directly',
      'apps/licensing-service/src/probe.ts',
      "import { MikroORM } from '@mikro-orm/core';\nexport const x = MikroORM;",
      /@mikro-orm\/core/,
    ],
  ])('%s', async (_name, file, code, expected) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.join('\n')).toMatch(expected);
  });

  it('allows what the architecture allows (a feature lib using util and contracts)', async () => {
    const code =
      "import { AppError } from '@acme/util';\nimport { LicensingService } from '@acme/contracts';\nexport const x = [AppError, LicensingService];";
    expect(await boundaryErrors('libs/licensing/src/probe.ts', code)).toEqual([]);
  });
});
