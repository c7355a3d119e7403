export { AppError } from './errors.js';
export type { AppErrorType, FieldViolation } from './errors.js';
export { ConfigError, parseEnv, env } from './env-config.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { stopOnSignals } from './shutdown.js';
export { backoffDelay } from './backoff.js';
export { startMetricsServer } from './metrics-server.js';
export type { MetricsServer } from './metrics-server.js';
