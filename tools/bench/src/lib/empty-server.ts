import { startNode, waitFor } from './processes.js';

/**
 * The reads' ceiling (servers/empty-server.ts) in its own process: a bare grpc-js handler that
 * answers at once. Answers its address and a stop function.
 */
export async function startEmptyServer(port: number): Promise<{ address: string; stop: () => Promise<void> }> {
  const empty = startNode('tools/bench/src/servers/empty-server.ts', { PORT: String(port) }, { stdout: 'pipe' });
  let bound = 0;
  empty.child.stdout!.on(
    'data',
    (chunk: Buffer) => (bound = Number(/ready (\d+)/.exec(chunk.toString())?.[1] ?? bound)),
  );
  await waitFor(async () => bound > 0, 'empty server');
  return { address: `127.0.0.1:${bound}`, stop: async () => void (await empty.stop()) };
}
