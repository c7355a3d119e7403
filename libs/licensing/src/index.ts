export { startLicensingService } from './licensing-service.js';
export type { RunningLicensingService } from './licensing-service.js';
export { loadLicensingConfig } from './config.js';
export type { LicensingConfig } from './config.js';
export { DEV_DEFAULTS } from './dev-defaults.js';
