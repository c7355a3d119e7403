/* @jsxRuntime automatic */
import type { Translate } from '../i18n/index.js';
import { Denial } from './layout.js';

/** What the last change of a page answered: done, allowed as a dry run, or refused by the rules. */
export type ChangeOutcome =
  | { kind: 'done'; message: string; warnings: string[] }
  | { kind: 'dry-run'; message: string; warnings: string[] }
  | { kind: 'denied'; message: string; rules: { id: string; message: string }[] };

/** The outcome at the top of a page: the rules' refusal as an alert, anything else as a status. */
export function Outcome({ t, outcome }: { t: Translate; outcome: ChangeOutcome | null }) {
  if (!outcome) return null;
  if (outcome.kind === 'denied') return <Denial t={t} message={outcome.message} rules={outcome.rules} />;
  return (
    <section className="outcome" role="status">
      <p>{outcome.message}</p>
      {outcome.warnings.map((w) => (
        <p key={w}>{t('result.warning', { message: w })}</p>
      ))}
    </section>
  );
}
