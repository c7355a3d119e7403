/* @jsxRuntime automatic */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { AuditEvent } from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';

/** The account's audit log, newest first, a page at a time (every change, who, when, which request). */
export function AuditPage({
  frame,
  events,
  causationId,
  nextPageToken,
}: {
  frame: PageFrame;
  events: readonly AuditEvent[];
  /** Only this request's entries, when set. */
  causationId: string;
  nextPageToken: string;
}) {
  const { t, locale } = frame;
  const intl = intlOf(locale);
  return (
    <Layout frame={frame} title={t('audit.title')}>
      {causationId && <p>{t('audit.ofRequest', { request: causationId })}</p>}
      {events.length === 0 ? (
        <p>{t('audit.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.time')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.resource')}</th>
              <th scope="col">{t('audit.request')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>
                  {e.occurTime &&
                    intl.formatDate(timestampDate(e.occurTime), { dateStyle: 'medium', timeStyle: 'medium' })}
                </td>
                <td>{e.actor}</td>
                <th scope="row">{e.action}</th>
                <td>
                  {e.resourceType} {e.resourceId}
                </td>
                <td>{e.causationId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextPageToken && (
        <a
          href={`/audit?${new URLSearchParams({ page: nextPageToken, ...(causationId ? { request: causationId } : {}) })}`}
        >
          {t('audit.next')}
        </a>
      )}
    </Layout>
  );
}
