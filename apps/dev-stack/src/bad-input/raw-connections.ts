/**
 * Talking to the gRPC port below gRPC: raw TCP bytes, and HTTP/2 streams whose body is whatever
 * the test says (gRPC frames are a compressed flag, a 4-byte length and the message).
 */
import { connect as connectHttp2, constants } from 'node:http2';
import { connect as connectTcp } from 'node:net';

/** Writes the bytes on a fresh TCP connection, waits for the server to answer or close (at most `waitMs`), then hangs up. */
export function sendTcpBytes(address: string, bytes: Uint8Array, waitMs = 100): Promise<void> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const done = () => (socket.destroy(), resolve());
    const timer = setTimeout(done, waitMs);
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve()));
    socket.on('data', () => undefined);
    socket.write(bytes);
  });
}

export interface StreamOutcome {
  /** grpc-status from the trailers (or a trailers-only response); null when none came. */
  grpcStatus: number | null;
  /** grpc-message (percent-decoded), when the status came with one. */
  grpcMessage?: string;
  /** RST_STREAM code when the server reset the stream instead. */
  resetCode: number | null;
}

/**
 * A unary gRPC call on a real HTTP/2 connection whose body is `body` exactly. `endStream: false`
 * keeps the request open (a caller still "sending"), which must not stop the server from answering.
 * `timeoutMs` (30 s) only catches a server that never answers: answers take milliseconds, and a
 * server waiting for the rest of an open request would answer its receive timeout's status instead.
 */
export function sendGrpcBody(
  address: string,
  method: string,
  body: Uint8Array,
  token: string,
  options: {
    endStream?: boolean;
    timeoutMs?: number;
    /** Sent as the authorization header instead of `Bearer <token>`. */ authorization?: string;
  } = {},
): Promise<StreamOutcome> {
  const session = connectHttp2(`http://${address}`);
  session.on('error', () => undefined);
  return new Promise<StreamOutcome>((resolve, reject) => {
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: `/acme.licensing.v1.LicensingService/${method}`,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
      authorization: options.authorization ?? `Bearer ${token}`,
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(
      () => (stream.destroy(), reject(new Error(`no answer to ${method} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const finish = (outcome: StreamOutcome) => (clearTimeout(timer), resolve(outcome));
    // The status ends the call even while our side is still open (endStream: false).
    const readStatus = (headers: Record<string, unknown>) =>
      headers['grpc-status'] !== undefined &&
      finish({
        grpcStatus: Number(headers['grpc-status']),
        resetCode: null,
        ...(typeof headers['grpc-message'] === 'string'
          ? { grpcMessage: decodeURIComponent(headers['grpc-message']) }
          : {}),
      });
    stream.on('response', readStatus);
    stream.on('trailers', readStatus);
    // A response message means the call was accepted and answered (a server stream may go on).
    stream.on('data', () => finish({ grpcStatus: 0, resetCode: null }));
    stream.on('error', () => undefined);
    stream.on('close', () =>
      finish({
        grpcStatus: null,
        resetCode:
          stream.rstCode === constants.NGHTTP2_NO_ERROR || stream.rstCode === undefined ? null : stream.rstCode,
      }),
    );
    stream.resume();
    if (options.endStream === false) stream.write(body);
    else stream.end(body);
  }).finally(() => session.destroy());
}

/** A gRPC length-prefixed frame: compressed flag, 4-byte big-endian length, payload. */
export function grpcFrame(
  payload: Uint8Array,
  options: { compressed?: number; claimedLength?: number } = {},
): Uint8Array {
  const frame = new Uint8Array(5 + payload.length);
  frame[0] = options.compressed ?? 0;
  new DataView(frame.buffer).setUint32(1, options.claimedLength ?? payload.length);
  frame.set(payload, 5);
  return frame;
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}
