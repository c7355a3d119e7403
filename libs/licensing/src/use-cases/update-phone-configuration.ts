import type { PhoneConfigurationRecord, PhoneSettings } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, licenseUserFacts, seatFacts } from '../domain/facts.js';
import { changedParts } from '../domain/phone-configuration.js';
import { decide, originOfCall, record, requireActiveUser, type UseCaseContext } from './use-case-context.js';

/**
 * UpdatePhoneConfiguration: changes parts of the phone of a user who holds the phone product (the
 * parts not named keep their value). Who may is who may set the product's features (the same
 * admin page in GoTo Admin). A retained configuration changes only once the license is back
 * (CONFIGURATION_RETAINED); an extension belongs to one configuration of the account.
 */
export async function updatePhoneConfiguration(
  ctx: UseCaseContext,
  command: { userId: string; changes: Partial<PhoneSettings> },
): Promise<{ configuration: PhoneConfigurationRecord; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const user = await requireActiveUser(ctx, command.userId);
  const config = await tx.phoneConfiguration(user.id);
  if (!config) throw AppError.notFound('phone_configuration', user.id);
  if (config.retainedUntil)
    throw new AppError(
      'failed_precondition',
      `${user.id}'s phone configuration is retained until ${config.retainedUntil.toISOString()}: ` +
        `assign ${config.productId} again to restore it, then change it`,
      { reason: 'CONFIGURATION_RETAINED', metadata: { purge_time: config.retainedUntil.toISOString() } },
    );
  const extension = command.changes.extension;
  if (extension) {
    const holder = await tx.phoneConfigurationByExtension(account.id, extension);
    if (holder && holder.userId !== user.id)
      throw new AppError('already_exists', `extension ${extension} belongs to ${holder.userId}`, {
        reason: 'ALREADY_EXISTS',
        metadata: { extension },
      });
  }
  const current = await tx.assignmentsOfUser(user.id);
  const [product] = await tx.products([config.productId]);
  const [subscription] = await tx.subscriptions(account.id, [config.productId]);

  // Decide
  const decision = await decide(ctx, 'set_features', {
    ...actorFacts(ctx.principal, account),
    request: { productId: config.productId, features: [] },
    products: [seatFacts(config.productId, product?.suiteId ?? null, subscription, 0)],
    user: await licenseUserFacts(tx, account.id, user, current, now),
  });

  // Apply, audit, events
  const after: PhoneConfigurationRecord = { ...config, settings: { ...config.settings, ...command.changes } };
  const changed = changedParts(config.settings, after.settings);
  if (changed.length === 0) return { configuration: config, decision };
  await tx.savePhoneConfiguration(account.id, after);
  const pick = (settings: PhoneSettings) => Object.fromEntries(changed.map((part) => [part, settings[part]]));
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'phone_configuration.changed',
        { type: 'phone_configuration', id: user.id },
        pick(config.settings),
        pick(after.settings),
      ),
    ],
    [{ case: 'phoneConfigurationChanged', value: { userId: user.id, productId: config.productId, changed } }],
  );
  return { configuration: after, decision };
}
