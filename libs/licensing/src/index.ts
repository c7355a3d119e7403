export { startLicensingService } from './licensing-service.js';
export type { LicensingServiceOptions, RunningLicensingService } from './licensing-service.js';
export { loadLicensingConfig, licensingEnvSchema } from './config.js';
export type { LicensingConfig } from './config.js';
export { readJwksFile, bearerAuthenticator } from './authenticate.js';
export { resolveAccountId } from './account-scope.js';
export { createReadHandlers } from './handlers/read-handlers.js';
export type { LicensingStore } from './store.js';
export { DEV_DEFAULTS } from './dev-defaults.js';
