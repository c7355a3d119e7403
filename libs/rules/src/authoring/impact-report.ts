import type { FlipKind, ImpactReport } from './impact.js';

const KIND_WORDS: Record<FlipKind, string> = {
  now_denies: 'would deny',
  stops_denying: 'would no longer deny',
  now_warns: 'would warn',
  stops_warning: 'would no longer warn',
  message_changed: 'message changed',
  effect_added: 'effect added',
  effect_removed: 'effect removed',
};

/** The impact report in plain words: per rule, what would change, examples, and what no case covers. */
export function formatImpact(report: ImpactReport, scope: string): string {
  const lines = [`Replayed ${report.replayed} recorded decision(s) (${scope}) against the edited rules.`];
  if (report.changed === 0 && report.undecidable.length === 0) {
    lines.push('No recorded decision would change.');
    return lines.join('\n');
  }
  lines.push(
    `${report.changed} would change: ${report.nowDenied} allowed -> denied, ${report.nowAllowed} denied -> allowed.`,
  );
  for (const rule of report.rules) {
    const kinds = Object.entries(rule.kinds)
      .map(([kind, n]) => `${KIND_WORDS[kind as FlipKind]} ${n}`)
      .join(', ');
    const status = rule.accepted
      ? 'accepted (--accept)'
      : rule.uncoveredPoints.length > 0
        ? `NOT COVERED at ${rule.uncoveredPoints.join(', ')}: add a case of this rule that states the new behaviour`
        : 'covered by a case';
    lines.push(
      '',
      `${rule.ruleId}${rule.removed ? ' (removed)' : ''}: ${rule.decisions} decision(s) at ${rule.points.join(', ')}; ${kinds}; ${status}`,
    );
    for (const example of rule.examples) {
      const d = example.decision;
      lines.push(`  e.g. ${d.id} ${d.accountId} request ${d.requestId} at ${d.point}, ${d.decidedAt.toISOString()}:`);
      for (const before of example.before) lines.push(`      before  ${before}`);
      for (const after of example.after) lines.push(`      after   ${after}`);
    }
  }
  for (const { decision, error } of report.undecidable)
    lines.push('', `cannot replay ${decision.id} (${decision.point}): ${error}`);
  lines.push('', report.covered ? 'Every change is covered by a case.' : 'Not every change is covered (exit 1).');
  return lines.join('\n');
}
