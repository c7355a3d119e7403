import { readFileSync, statSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { ConfigError, type Logger } from '@acme/util';

/**
 * Where the service's public keys come from: a JWKS file (JWT_JWKS_FILE), re-read when it
 * changes, or a JWKS URL (JWT_JWKS_URL), fetched again every refresh interval. Either way a key
 * set that does not read as public keys is refused at start and ignored later (the last good set
 * stays), so keys rotate without a restart: publish the new key, sign with it once every instance
 * has it, remove the old one once its tokens have expired.
 */
export interface JwksSource {
  current: () => JSONWebKeySet;
  close: () => void;
}

/** A key set as the service accepts it: at least one key, and no private key. */
function publicKeySet(where: string, text: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: cannot read a JSON key set (${(error as Error).message})`, { cause: error });
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new Error(`${where}: expected {"keys": [ ... ]} with at least one key`);
  if (keys.some((k) => typeof k === 'object' && k !== null && 'd' in k))
    throw new Error(`${where}: contains a private key; give the service public keys only`);
  return parsed as JSONWebKeySet;
}

/** Reads a JWKS file with a precise error, so a bad deployment fails at start, not on first call. */
export function readJwksFile(path: string): JSONWebKeySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`JWT_JWKS_FILE ${path}: cannot read a JSON key set (${(error as Error).message})`, {
      cause: error,
    });
  }
  return publicKeySet(`JWT_JWKS_FILE ${path}`, text);
}

/** The key set of JWT_JWKS_FILE, read again whenever the file changes (checked every `intervalMs`). */
export function watchJwksFile(path: string, logger: Pick<Logger, 'info' | 'warn'>, intervalMs = 1_000): JwksSource {
  // The file's identity when last read: a change is any difference from it, however soon it came.
  const stamp = () => {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'missing';
  };
  let seen = stamp();
  let keys = readJwksFile(path);
  const timer = setInterval(() => {
    const now = stamp();
    if (now === seen) return;
    seen = now;
    try {
      keys = readJwksFile(path);
      logger.info({ path, kids: keys.keys.map((k) => k.kid ?? null) }, 'JWT_JWKS_FILE reloaded');
    } catch (error) {
      logger.warn({ err: error, path }, 'JWT_JWKS_FILE changed but is no public key set; the previous keys stay');
    }
  }, intervalMs);
  timer.unref();
  return { current: () => keys, close: () => clearInterval(timer) };
}

/** How long one fetch of the JWKS URL may take. */
const FETCH_TIMEOUT_MS = 5_000;

async function fetchJwks(url: string): Promise<JSONWebKeySet> {
  const where = `JWT_JWKS_URL ${url}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new Error(`${where}: cannot fetch the key set (${(error as Error).message})`, { cause: error });
  }
  if (!response.ok) throw new Error(`${where}: answered HTTP ${response.status}`);
  return publicKeySet(where, await response.text());
}

/**
 * The key set at JWT_JWKS_URL (an identity provider's `jwks_uri`), fetched before the service
 * starts (a failure stops the start) and again every `refreshMs`; a failed refresh is logged and
 * the last good set stays.
 */
export async function watchJwksUrl(
  url: string,
  logger: Pick<Logger, 'info' | 'warn'>,
  refreshMs: number,
): Promise<JwksSource> {
  let keys = await fetchJwks(url);
  let seen = JSON.stringify(keys);
  const timer = setInterval(() => {
    fetchJwks(url).then(
      (fetched) => {
        const text = JSON.stringify(fetched);
        if (text === seen) return;
        [keys, seen] = [fetched, text];
        logger.info({ url, kids: keys.keys.map((k) => k.kid ?? null) }, 'JWT_JWKS_URL key set changed');
      },
      (error: unknown) => logger.warn({ err: error, url }, 'JWT_JWKS_URL refresh failed; the previous keys stay'),
    );
  }, refreshMs);
  timer.unref();
  return { current: () => keys, close: () => clearInterval(timer) };
}

/**
 * The key source a service's configuration names: JWT_JWKS_FILE (watched) or JWT_JWKS_URL
 * (refreshed every JWT_JWKS_REFRESH_MS); a ConfigError naming both variables when it names neither.
 */
export async function configuredJwks(
  config: { JWT_JWKS_FILE?: string | undefined; JWT_JWKS_URL?: string | undefined; JWT_JWKS_REFRESH_MS: number },
  logger: Pick<Logger, 'info' | 'warn'>,
  service: string,
): Promise<JwksSource> {
  if (config.JWT_JWKS_FILE) return watchJwksFile(config.JWT_JWKS_FILE, logger);
  if (config.JWT_JWKS_URL) return watchJwksUrl(config.JWT_JWKS_URL, logger, config.JWT_JWKS_REFRESH_MS);
  throw new ConfigError([
    `JWT_JWKS_FILE or JWT_JWKS_URL: required: ${service} verifies bearer tokens with these public keys`,
  ]);
}
