/* @jsxRuntime automatic */
import { QueueKind, QueueRole, type Queue, type User } from '@acme/contracts';
import type { MessageKey } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';
import { Tick } from './product-choices.js';

export type QueueTab = 'agents' | 'supervisors';

const KINDS: [QueueKind, MessageKey, string][] = [
  [QueueKind.CALL, 'queues.kind.call', 'call'],
  [QueueKind.INBOUND, 'queues.kind.inbound', 'inbound'],
  [QueueKind.OUTBOUND, 'queues.kind.outbound', 'outbound'],
];

/**
 * GoTo's contact-center queues (articles 001-003): call, inbound and outbound queues, each with
 * its Supervisor and Agent tabs; a user removed from every queue in one action.
 */
export function QueuesPage({
  frame,
  queues,
  candidates,
  moreCandidates,
  query,
  names,
  tab,
  outcome,
}: {
  frame: PageFrame;
  queues: readonly Queue[];
  /** The users the pickers offer: the first page of the search for `query`. */
  candidates: readonly User[];
  /** More users match than the pickers offer. */
  moreCandidates: boolean;
  query: string;
  /** Display names of the queues' members. */
  names: ReadonlyMap<string, string>;
  tab: QueueTab;
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf } = frame;
  const role = tab === 'agents' ? QueueRole.AGENT : QueueRole.SUPERVISOR;
  const nameOf = (id: string) => names.get(id) ?? id;
  const roleName = t(tab === 'agents' ? 'queues.agents' : 'queues.supervisors');
  return (
    <Layout frame={frame} title={t('queues.title')}>
      <Outcome t={t} outcome={outcome} />
      <form method="get" action="/queues" role="search">
        <input type="hidden" name="tab" value={tab} />
        <label htmlFor="who">{t('queues.find')}</label>
        <input id="who" name="who" type="search" defaultValue={query} />
        <button type="submit">{t('users.searchButton')}</button>
      </form>
      {moreCandidates && <p>{t('queues.more')}</p>}
      {KINDS.map(([kind, title, key]) => {
        const ofKind = queues.filter((q) => q.kind === kind);
        return (
          <section key={key} aria-labelledby={`kind-${key}`}>
            <h2 id={`kind-${key}`}>{t(title)}</h2>
            {ofKind.length === 0 && <p>{t('queues.none')}</p>}
            {ofKind.map((queue) => {
              const members = queue.members.filter((m) => m.role === role);
              const addable = candidates.filter((u) => !queue.members.some((m) => m.userId === u.id));
              return (
                <article key={queue.id} aria-labelledby={`queue-${queue.id}`}>
                  <h3 id={`queue-${queue.id}`}>{queue.name}</h3>
                  <nav aria-label={t('queues.tabs', { queue: queue.name })} className="tabs">
                    <a href="/queues?tab=supervisors" aria-current={tab === 'supervisors' ? 'page' : undefined}>
                      {t('queues.supervisors')}
                    </a>
                    <a href="/queues?tab=agents" aria-current={tab === 'agents' ? 'page' : undefined}>
                      {t('queues.agents')}
                    </a>
                  </nav>
                  {members.length === 0 ? (
                    <p>{t('queues.nobody')}</p>
                  ) : (
                    <ul>
                      {members.map((m) => (
                        <li key={m.userId}>
                          {nameOf(m.userId)}{' '}
                          <form method="post" action={`/queues/${queue.id}/remove`} className="inline">
                            <input type="hidden" name="_csrf" value={csrf} />
                            <input type="hidden" name="user" value={m.userId} />
                            <input type="hidden" name="tab" value={tab} />
                            <button type="submit">
                              {t('queues.remove', { name: nameOf(m.userId), queue: queue.name })}
                            </button>
                          </form>
                        </li>
                      ))}
                    </ul>
                  )}
                  {addable.length > 0 && (
                    <form method="post" action={`/queues/${queue.id}/members`}>
                      <input type="hidden" name="_csrf" value={csrf} />
                      <input type="hidden" name="tab" value={tab} />
                      <input type="hidden" name="who" value={query} />
                      <label htmlFor={`add-${queue.id}`}>
                        {t('queues.addUser', { queue: queue.name, role: roleName })}
                      </label>
                      <select id={`add-${queue.id}`} name="user">
                        {addable.map((u) => (
                          <option key={u.id} value={u.id}>
                            {u.displayName}
                          </option>
                        ))}
                      </select>
                      <Tick id={`add-${queue.id}-dry-run`} name="dryRun" label={t('users.dryRun')} />
                      <button type="submit">{t('queues.add')}</button>
                    </form>
                  )}
                </article>
              );
            })}
          </section>
        );
      })}
      <section aria-labelledby="create-queue">
        <h2 id="create-queue">{t('queues.create')}</h2>
        <form method="post" action="/queues">
          <input type="hidden" name="_csrf" value={csrf} />
          <label htmlFor="queue-name">{t('queues.name')}</label>
          <input id="queue-name" name="name" required maxLength={200} />
          <label htmlFor="queue-kind">{t('queues.kind')}</label>
          <select id="queue-kind" name="kind">
            {KINDS.map(([, title, key]) => (
              <option key={key} value={key}>
                {t(title)}
              </option>
            ))}
          </select>
          <Tick id="create-queue-dry-run" name="dryRun" label={t('users.dryRun')} />
          <button type="submit">{t('queues.createSubmit')}</button>
        </form>
      </section>
      <section aria-labelledby="remove-all">
        <h2 id="remove-all">{t('queues.removeAll')}</h2>
        <form method="post" action="/queues/remove-all">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="who" value={query} />
          <label htmlFor="remove-all-user">{t('queues.user')}</label>
          <select id="remove-all-user" name="user">
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
          <Tick id="remove-all-dry-run" name="dryRun" label={t('users.dryRun')} />
          <button type="submit">{t('queues.removeAllSubmit')}</button>
        </form>
      </section>
    </Layout>
  );
}
