/* @jsxRuntime automatic */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { PhoneConfigurationState, type PhoneConfiguration, type User } from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { Tick } from './product-choices.js';
import { Outcome, type ChangeOutcome } from './outcome.js';

/**
 * A user's GoTo Connect phone configuration (German article 003): in use, or kept for the
 * retention window after the license was removed, with the day it is deleted and a restore.
 */
export function PhonePage({
  frame,
  user,
  configuration,
  outcome,
}: {
  frame: PageFrame;
  user: User;
  configuration: PhoneConfiguration | null;
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf, locale } = frame;
  const intl = intlOf(locale);
  const retained = configuration?.state === PhoneConfigurationState.RETAINED;
  return (
    <Layout frame={frame} title={t('phone.title', { name: user.displayName })}>
      <Outcome t={t} outcome={outcome} />
      {!configuration ? (
        <p>{t('phone.none', { name: user.displayName })}</p>
      ) : (
        <>
          <p>
            {retained && configuration.purgeTime
              ? t('phone.retained', {
                  date: intl.formatDate(timestampDate(configuration.purgeTime), {
                    dateStyle: 'long',
                    timeStyle: 'short',
                  }),
                })
              : t('phone.active')}
          </p>
          <dl>
            <dt>{t('phone.extension')}</dt>
            <dd>{configuration.extension || '–'}</dd>
            <dt>{t('phone.callerId')}</dt>
            <dd>{configuration.callerIdNumber || '–'}</dd>
            <dt>{t('phone.devices')}</dt>
            <dd>{configuration.devices?.devices.map((d) => d.label).join(', ') || '–'}</dd>
            <dt>{t('phone.features')}</dt>
            <dd>
              {Object.entries(configuration.features)
                .map(([feature, on]) => `${feature}: ${on ? '✓' : '✗'}`)
                .join(', ') || '–'}
            </dd>
          </dl>
          {retained && (
            <form method="post" action={`/users/${encodeURIComponent(user.id)}/phone/restore`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <Tick id="restore-dry-run" name="dryRun" label={t('users.dryRun')} />
              <button type="submit">{t('phone.restore')}</button>
            </form>
          )}
        </>
      )}
    </Layout>
  );
}
