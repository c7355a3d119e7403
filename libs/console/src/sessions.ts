import { randomBytes } from 'node:crypto';

/** What the console's server keeps for a signed-in browser: the token it calls the services with. */
export interface Session {
  token: string;
  name: string;
  subject: string;
  accountId: string;
  /** An operator of the back office (a service identity over every account), not an account's user. */
  operator: boolean;
  expiresAt: number;
}

/** How long a session lasts without signing in again. */
const SESSION_MS = 8 * 60 * 60 * 1000;

/**
 * Sessions held by the server: the browser holds only an unguessable id in an HttpOnly cookie,
 * never the token. In memory: one console instance; a restart signs everyone out.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  open(session: Omit<Session, 'expiresAt'>): string {
    // Sessions nobody comes back to would otherwise stay: each sign-in clears the expired ones.
    const now = this.now();
    for (const [id, held] of this.sessions) if (held.expiresAt <= now) this.sessions.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { ...session, expiresAt: now + SESSION_MS });
    return id;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}
