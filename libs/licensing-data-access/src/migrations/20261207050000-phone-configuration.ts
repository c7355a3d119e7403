import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * The phone configuration becomes the phone itself (extension, caller id, devices, forwarding,
 * voicemail), and the license's feature toggles it used to hold move to `features`, where they
 * are kept with a retained configuration. The extension is a column, unique in the account.
 * Existing configurations get the defaults a new one gets (DEFAULT_PHONE_SETTINGS).
 */
export class Migration20261207050000PhoneConfiguration extends Migration {
  override up(): void {
    const postgres = isPostgres(this);
    for (const sql of postgres ? POSTGRES : LIBSQL) this.addSql(sql);
    // The settings are a constant without a quote in them: safe to inline.
    const table = postgres ? '"phone_configuration"' : '`phone_configuration`';
    this.addSql(`update ${table} set features = settings, settings = '${JSON.stringify(DEFAULT_SETTINGS)}'`);
  }
}

/** The defaults of a new configuration (domain/phone-configuration.ts), without the extension. */
const DEFAULT_SETTINGS = {
  callerIdNumber: '',
  devices: [{ kind: 'softphone', label: 'GoTo app' }],
  forwarding: { enabled: false, toNumber: '', afterRings: 4 },
  voicemail: { enabled: true, transcription: false, greeting: 'default' },
};

const POSTGRES = [
  `alter table "phone_configuration" add "extension" varchar(6) null, add "features" jsonb not null default '{}'`,
  'alter table "phone_configuration" add constraint "phone_configuration_extension_uq" unique ("account_id", "extension")',
];

const LIBSQL = [
  'alter table `phone_configuration` add column `extension` text null',
  "alter table `phone_configuration` add column `features` json not null default '{}'",
  'create unique index `phone_configuration_extension_uq` on `phone_configuration` (`account_id`, `extension`)',
];
