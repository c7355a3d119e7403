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
  readonly connected: boolean;
  stop(): Promise<void>;
}

/** The PostgreSQL notification channel of licensing changes; the payload is the account id. */
export const CHANGES_CHANNEL = 'licensing_changes';

/**
 * LISTENs for licensing changes on a connection of its own, reconnecting with back-off when it
 * drops. Each (re)connection and each loss resets the caller's caches, since a notification sent
 * while nobody listened is gone for good.
 */
export function watchAccountChanges(databaseUrl: string, handlers: ChangeFeedHandlers): ChangeFeed {
  let client: pg.Client | null = null;
  let connected = false;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const lost = () => {
    if (connected) handlers.onReset(false);
    connected = false;
    client = null;
    if (!stopped) timer = setTimeout(connect, backoffDelay(++attempt, { initialMs: 100, maxMs: 5_000 }));
  };

  const connect = () => {
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) handlers.onAccount(message.payload);
    });
    next.on('error', () => undefined); // 'end' follows, and reconnects
    next.once('end', () => client === next && lost());
    next
      .connect()
      .then(() => next.query(`listen ${CHANGES_CHANNEL}`))
      .then(() => {
        if (stopped) return next.end();
        attempt = 0;
        connected = true;
        handlers.onReset(true);
      })
      .catch(() => {
        if (client === next) {
          next.end().catch(() => undefined);
          lost();
        }
      });
  };

  connect();
  return {
    get connected() {
      return connected;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      connected = false;
      await current?.end().catch(() => undefined);
    },
  };
}
