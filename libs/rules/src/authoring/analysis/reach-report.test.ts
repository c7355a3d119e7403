/** `npm run rules -- reach`: every answer of the reach analysis, where `check` reports only the problems. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES_DIR } from '../../loading/load.js';
import { printReach } from './reach-report.js';

describe('npm run rules -- reach', () => {
  it('prints every answer: per point (and account values), per rule with effects, and the rules that never fire', async () => {
    const lines: string[] = [];
    expect(await printReach(DEFAULT_POLICIES_DIR, (line) => lines.push(line))).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('\nassign\n  can allow: yes, e.g. the example facts as they are\n');
    expect(text).toContain(
      '  account.style "zendesk", account.kind "self_service":\n    can allow: yes, e.g. account.style = "zendesk", actor.isOwner = true\n',
    );
    expect(text).toContain(
      '  account.style "goto", account.kind "sales_managed":\n    can allow: never (closed to these accounts: ' +
        'who-may-act.sales-managed-through-sales fires on every such request (account.kind equal "sales_managed"))\n',
    );
    expect(text).toMatch(
      /^ {2}billing_start \(contact-center\.billing-starts-with-first-queue\) in an allowed decision: yes, e\.g\. user\.queueMembershipCount = 0$/m,
    );
    expect(text).toContain('Warn and info rules that can never fire:\n  none\n');
    expect(lines.at(-1)).toBe('no problem');
  });
});
