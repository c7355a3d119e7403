/** A variable the benchmark that started this load process must set. */
export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

/** What every load process is told: how many callers, over which bench accounts and users, how long, from which user on. */
export function loadSettings() {
  return {
    clients: Number(required('CLIENTS')),
    accounts: Number(required('ACCOUNTS')),
    users: Number(required('USERS')),
    seconds: Number(required('SECONDS')),
    offset: Number(required('OFFSET')),
    /** Total operations per second to hold; 0 (unset) means as fast as the callers go. */
    rate: Number(process.env.RATE ?? 0),
  };
}

/**
 * Waits until caller `index` of `clients` is due for its `k`-th call at `rate` calls/s in total
 * (calls evenly spread in time); at once when there is no rate.
 */
export async function paced(index: number, k: number, clients: number, rate: number, begin: number): Promise<void> {
  if (rate <= 0) return;
  const due = begin + ((k * clients + index) / rate) * 1000;
  if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
}
