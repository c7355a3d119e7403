/** A piece of work waiting in an account's lane, with how to answer its caller. */
export interface LaneJob<W, T = unknown> {
  work: W;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Runs the jobs of each account one run at a time, in the order they came: while a run of an
 * account is in progress, later jobs of that account wait in its queue, and the next run starts
 * with them. A run takes jobs from the front of the queue itself (`take`), as many as it chooses,
 * and must answer every job it takes; if it throws instead, the lane fails those it took and had
 * not answered, and a run that took nothing fails the job at the front. Accounts do not wait for
 * each other.
 *
 * Mutations of one account take turns at its row lock anyway; queuing them here instead lets one
 * transaction carry several of them (see runMutationChain), and keeps this process's waiters off
 * the database's lock queue.
 */
export class AccountLanes<W> {
  private readonly queues = new Map<string, LaneJob<W>[]>();

  constructor(
    private readonly run: (account: string, take: () => LaneJob<W> | undefined, waiting: () => number) => Promise<void>,
  ) {}

  submit<T>(account: string, work: W): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job = { work, resolve, reject } as LaneJob<W>;
      const queue = this.queues.get(account);
      if (queue) {
        queue.push(job);
        return;
      }
      const fresh = [job];
      this.queues.set(account, fresh);
      void this.drain(account, fresh);
    });
  }

  /** Accounts with a run in progress or jobs waiting (for tests and metrics). */
  get busyAccounts(): number {
    return this.queues.size;
  }

  private async drain(account: string, queue: LaneJob<W>[]): Promise<void> {
    while (queue.length > 0) {
      const taken: LaneJob<W>[] = [];
      const take = () => {
        const job = queue.shift();
        if (job) taken.push(job);
        return job;
      };
      let failure: { error: unknown } | null = null;
      try {
        await this.run(account, take, () => queue.length);
      } catch (error) {
        failure = { error };
      }
      // A run must answer what it took. One that threw fails what it took and had not answered
      // (an answered job ignores this); one that took nothing, failing or not, fails the job at
      // the front with why, rather than leave it waiting and the lane spinning.
      if (failure) for (const job of taken) job.reject(failure.error);
      if (taken.length === 0)
        queue
          .shift()
          ?.reject(failure ? failure.error : new Error(`a run of account ${account} took no job from its lane`));
    }
    this.queues.delete(account);
  }
}
