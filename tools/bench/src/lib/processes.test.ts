import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS, appNodeFlags, ROOT } from './processes.js';

describe('the apps node flags', () => {
  it('are the ones the README deployment section gives each app, so the figures are of what it tells people to run', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    // A command line of its own, or the comment beside the npm script that runs it.
    const documented = Object.fromEntries(
      [...readme.matchAll(/(?:^|# )node ((?:--[\w-]+=\S+ )*)dist\/([\w-]+)\.mjs/gm)].map(([, flags, app]) => [
        app,
        flags!.trim().split(' '),
      ]),
    );
    expect(documented).toEqual(APP_NODE_FLAGS);
    // And the npm scripts that start them run what the README says.
    const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    for (const app of ['licensing-service', 'billing-consumer', 'billing-api'] as const)
      expect(scripts[`start:${app}`], app).toBe(`exec node ${APP_NODE_FLAGS[app].join(' ')} dist/${app}.mjs`);
  });

  it('can be replaced through BENCH_NODE_FLAGS_<APP> to measure others', () => {
    process.env.BENCH_NODE_FLAGS_LICENSING_SERVICE = ' --max-semi-space-size=16  --heap-growing-percent=40 ';
    try {
      expect(appNodeFlags('licensing-service')).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=40']);
      expect(appNodeFlags('billing-consumer')).toEqual(APP_NODE_FLAGS['billing-consumer']);
    } finally {
      delete process.env.BENCH_NODE_FLAGS_LICENSING_SERVICE;
    }
  });
});
