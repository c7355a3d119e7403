/**
 * Records the statements clients send PostgreSQL, decoded from the frontend protocol as it passes
 * through a TCP proxy (`startTcpProxy`'s tap): simple queries (`Q`), and extended-protocol
 * executions (`P` Parse, `B` Bind, `E` Execute) with their bound parameters. Each recorded
 * statement says on which connection and in which round trip it went out, so that a replay can
 * send the same statements in the same order and the same groups.
 *
 * A round trip is what a client sends while it has no answer pending: a client chunk that arrives
 * when every Sync and simple Query it sent has been answered (ReadyForQuery) starts a new one;
 * anything it sends before those answers (a pipeline) joins the current one.
 */

/** One statement a client ran. */
export interface RecordedStatement {
  /** The proxy's number for the client connection. */
  connection: number;
  /** Round trip number, increasing over all connections in the order they began. */
  roundTrip: number;
  text: string;
  /** `Q` (simple query, no parameters), or `E` (extended protocol: prepared, bound, executed). */
  protocol: 'Q' | 'E';
  /** The prepared statement's name; '' for the unnamed statement (parsed again for every execution). */
  statementName: string;
  /** Parameter type OIDs given at Parse (0: left to the server to infer). */
  paramTypes: number[];
  /** Bound values as sent: text or binary bytes, null for SQL NULL. */
  params: (Buffer | null)[];
  /** Per parameter: 0 text, 1 binary. */
  paramFormats: number[];
}

interface Connection {
  client: Buffer;
  server: Buffer;
  /** The client's first message (startup, or an SSL/GSS request before it) has no type byte. */
  clientStartup: boolean;
  /** The server answers an SSL or GSS encryption request with one unframed byte. */
  serverSingleByte: number;
  prepared: Map<string, { text: string; types: number[] }>;
  portals: Map<string, { statement: string; params: (Buffer | null)[]; formats: number[] }>;
  /** Syncs and simple queries sent and not yet answered by ReadyForQuery. */
  pending: number;
  roundTrip: number;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export class PgProtocolRecorder {
  private readonly connections = new Map<number, Connection>();
  private roundTrips = 0;
  private recorded: RecordedStatement[] = [];
  private recording = false;

  /** The tap to give the proxy: every chunk of every connection goes through here. */
  readonly onData = (connection: number, from: 'client' | 'server', chunk: Buffer): void => {
    let state = this.connections.get(connection);
    if (!state) {
      state = {
        client: Buffer.alloc(0),
        server: Buffer.alloc(0),
        clientStartup: true,
        serverSingleByte: 0,
        prepared: new Map(),
        portals: new Map(),
        pending: 0,
        roundTrip: 0,
      };
      this.connections.set(connection, state);
    }
    if (from === 'client') {
      if (state.pending === 0) state.roundTrip = ++this.roundTrips;
      state.client = state.client.length === 0 ? chunk : Buffer.concat([state.client, chunk]);
      this.readClient(connection, state);
    } else {
      state.server = state.server.length === 0 ? chunk : Buffer.concat([state.server, chunk]);
      this.readServer(state);
    }
  };

  /** Starts keeping what clients execute (statements prepared before are known either way). */
  start(): void {
    this.recorded = [];
    this.recording = true;
  }

  /** Stops keeping statements and returns those executed since `start`, in the order they went out. */
  stop(): RecordedStatement[] {
    this.recording = false;
    return this.recorded;
  }

  private readClient(id: number, state: Connection): void {
    let buffer = state.client;
    for (;;) {
      if (state.clientStartup) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const code = buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) state.serverSingleByte++;
        else state.clientStartup = false;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) break;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) break;
      this.clientMessage(id, state, String.fromCharCode(buffer[0]!), buffer.subarray(5, 1 + length));
      buffer = buffer.subarray(1 + length);
    }
    state.client = buffer;
  }

  private readServer(state: Connection): void {
    let buffer = state.server;
    while (state.serverSingleByte > 0 && buffer.length > 0) {
      state.serverSingleByte--;
      buffer = buffer.subarray(1);
    }
    while (buffer.length >= 5) {
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) break;
      if (buffer[0] === 0x5a /* Z: ReadyForQuery */ && state.pending > 0) state.pending--;
      buffer = buffer.subarray(1 + length);
    }
    state.server = buffer;
  }

  private clientMessage(id: number, state: Connection, type: string, body: Buffer): void {
    const reader = new Reader(body);
    switch (type) {
      case 'Q': {
        state.pending++;
        const text = reader.cstring();
        if (!this.recording) return;
        const { roundTrip } = state;
        this.recorded.push({
          connection: id,
          roundTrip,
          text,
          protocol: 'Q',
          statementName: '',
          paramTypes: [],
          params: [],
          paramFormats: [],
        });
        return;
      }
      case 'P': {
        const name = reader.cstring();
        const text = reader.cstring();
        const types = Array.from({ length: reader.int16() }, () => reader.int32());
        state.prepared.set(name, { text, types });
        return;
      }
      case 'B': {
        const portal = reader.cstring();
        const statement = reader.cstring();
        const formatCodes = Array.from({ length: reader.int16() }, () => reader.int16());
        const params = Array.from({ length: reader.int16() }, () => {
          const length = reader.int32();
          return length < 0 ? null : reader.bytes(length);
        });
        // No codes: all text; one code: all alike; otherwise one per parameter.
        const formats = params.map((_, i) =>
          formatCodes.length === 0 ? 0 : formatCodes.length === 1 ? formatCodes[0]! : formatCodes[i]!,
        );
        state.portals.set(portal, { statement, params, formats });
        return;
      }
      case 'E': {
        const portal = state.portals.get(reader.cstring());
        if (!portal || !this.recording) return;
        const prepared = state.prepared.get(portal.statement);
        if (!prepared)
          throw new Error(
            `connection ${id} executed statement "${portal.statement}", which it never prepared while recorded`,
          );
        this.recorded.push({
          connection: id,
          roundTrip: state.roundTrip,
          text: prepared.text,
          protocol: 'E',
          statementName: portal.statement,
          paramTypes: prepared.types,
          params: portal.params,
          paramFormats: portal.formats,
        });
        return;
      }
      case 'C': {
        const kind = reader.bytes(1).toString('latin1');
        const name = reader.cstring();
        if (kind === 'S') state.prepared.delete(name);
        else state.portals.delete(name);
        return;
      }
      case 'S':
        state.pending++;
        return;
      default:
        // D (describe), H (flush), X (terminate), p (password), c/d/f (copy): nothing to record.
        return;
    }
  }
}

/** Reads the fields of one protocol message. */
class Reader {
  private offset = 0;
  constructor(private readonly body: Buffer) {}

  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    const value = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  int16(): number {
    const value = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    const value = Buffer.from(this.body.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }
}
