import { createServer, Socket, type AddressInfo } from 'node:net';

export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string;
  /**
   * The next time a client sends bytes matching `pattern`: with `forward`, pass them on, wait for
   * the server's first answer and drop it; without, drop them. Either way both sides of that
   * connection are then closed. Resolves when it happened.
   */
  cutAt(pattern: RegExp, options: { forward: boolean }): Promise<void>;
  /** Down: every connection is closed and new ones are closed at once. Up: traffic flows again. */
  setDown(down: boolean): void;
  /**
   * Silent: connections stay open but every byte either way is dropped, and new ones are accepted
   * and hear nothing, as when packets are lost without a reset. Not silent: new bytes flow again
   * (what was dropped stays dropped).
   */
  setSilent(silent: boolean): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /**
   * A tap: every chunk passed on, with the connection it belongs to (numbered from 1 in the order
   * clients connected) and who sent it, before it is forwarded. It sees what the proxy forwards,
   * not what it drops (see cutAt). For recorders (the bench decodes PostgreSQL's protocol from it).
   */
  onData?: (connection: number, from: 'client' | 'server', chunk: Buffer) => void;
}

/**
 * A TCP proxy in front of a server (PostgreSQL in tests) that can cut a connection at a chosen
 * moment of its conversation, such as right after a COMMIT went out and before its answer came
 * back: the one fault a database kill cannot aim at.
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const tap = options.onData;
  let connections = 0;
  let down = false;
  let silent = false;
  let armed: { pattern: RegExp; forward: boolean; done: () => void } | null = null;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = new Socket();
    const connection = ++connections;
    open.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => (open.delete(client), upstream.destroy()));
    upstream.on('close', () => (open.delete(upstream), client.destroy()));
    client.on('error', cut);
    upstream.on('error', cut);
    let dropNextAnswer: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      if (silent) return;
      const trap = armed;
      if (trap && trap.pattern.test(chunk.toString('latin1'))) {
        armed = null;
        if (!trap.forward) return void (cut(), trap.done());
        dropNextAnswer = () => (cut(), trap.done());
      }
      tap?.(connection, 'client', chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (silent) return;
      if (dropNextAnswer) return dropNextAnswer();
      tap?.(connection, 'server', chunk);
      client.write(chunk);
    });
    upstream.connect(target.port, target.host);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cutAt(pattern, options) {
      return new Promise((done) => (armed = { pattern, forward: options.forward, done }));
    },
    setDown(value) {
      down = value;
      if (down) for (const socket of open) socket.destroy();
    },
    setSilent(value) {
      silent = value;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
