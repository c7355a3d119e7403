import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { backoffDelay } from '@acme/util';

/** What one commit changed: the accounts (named by its audit entries and events) and events appended. */
export interface CommittedChange {
  accounts: string[];
  events: number;
}

export interface ChangeFeedHandlers {
  /** Another (or this) instance committed a change to this account. */
  onAccount(accountId: string): void;
  /**
   * Notifications may have been missed (the listening connection dropped, or just came up):
   * forget everything cached. `connected` says whether notifications flow again.
   */
  onReset(connected: boolean): void;
}

export interface ChangeFeed {
  /**
   * Notifications flow: the feed is listening and heard its own heartbeat within `maxSilenceMs`.
   * A cache trusts its answers only while this holds, so a connection that dies silently (packets
   * dropped, no reset) stops the cache within that bound instead of never.
   */
  readonly connected: boolean;
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** How often the listening connection notifies itself, to prove the way round still works. */
  heartbeatMs?: number;
  /** Silence after which the connection counts as dead: caches reset and stand aside, and it reconnects. */
  maxSilenceMs?: number;
}

/** The PostgreSQL notification channel of licensing changes; the payload is the account id. */
export const CHANGES_CHANNEL = 'licensing_changes';

export const FEED_HEARTBEAT_MS = 500;
/** The stated bound: a cache on a silently dead feed serves what it holds for at most this long. */
export const FEED_MAX_SILENCE_MS = 2_000;

/**
 * LISTENs for licensing changes on a connection of its own, reconnecting with back-off when it
 * drops. Each (re)connection and each loss resets the caller's caches, since a notification sent
 * while nobody listened is gone for good. A heartbeat (a NOTIFY to a channel only this connection
 * listens on, sent on the same connection) proves that notifications still arrive: a connection
 * that stays open but carries nothing is given up after `maxSilenceMs`.
 */
export function watchAccountChanges(
  databaseUrl: string,
  handlers: ChangeFeedHandlers,
  options: ChangeFeedOptions = {},
): ChangeFeed {
  const heartbeatMs = options.heartbeatMs ?? FEED_HEARTBEAT_MS;
  const maxSilenceMs = options.maxSilenceMs ?? FEED_MAX_SILENCE_MS;
  let client: pg.Client | null = null;
  let connected = false;
  let lastHeard = 0;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  const silentTooLong = () => Date.now() - lastHeard > maxSilenceMs;

  const lost = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    if (connected) handlers.onReset(false);
    connected = false;
    client = null;
    if (!stopped) timer = setTimeout(connect, backoffDelay(++attempt, { initialMs: 100, maxMs: 5_000 }));
  };

  /** Gives a connection up without waiting for it: a silent one may never answer a goodbye. */
  const abandon = (dead: pg.Client) => {
    if (client !== dead) return;
    lost();
    dead.end().catch(() => undefined);
  };

  const connect = () => {
    // Its own heartbeat channel: other instances never hear it.
    const beatChannel = `licensing_feed_${randomBytes(8).toString('hex')}`;
    const next = new pg.Client({
      connectionString: databaseUrl,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      query_timeout: 5_000,
    });
    client = next;
    next.on('notification', (message) => {
      // Only the current connection proves the feed alive; a given-up one may still deliver.
      if (client === next) lastHeard = Date.now();
      if (message.channel === CHANGES_CHANNEL && message.payload) handlers.onAccount(message.payload);
    });
    next.on('error', () => undefined); // 'end' follows, and reconnects
    next.once('end', () => client === next && lost());
    next
      .connect()
      .then(() => next.query(`listen ${CHANGES_CHANNEL}; listen ${beatChannel}`))
      .then(() => {
        if (stopped) return next.end();
        attempt = 0;
        lastHeard = Date.now();
        connected = true;
        heartbeat = setInterval(() => {
          if (silentTooLong()) return abandon(next);
          next.query("select pg_notify($1, '')", [beatChannel]).catch(() => undefined);
        }, heartbeatMs);
        heartbeat.unref();
        handlers.onReset(true);
      })
      .catch(() => abandon(next));
  };

  connect();
  return {
    get connected() {
      return connected && !silentTooLong();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      const current = client;
      client = null;
      connected = false;
      await current?.end().catch(() => undefined);
    },
  };
}
