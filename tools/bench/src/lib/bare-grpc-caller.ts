import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import {
  create,
  fromBinary,
  toBinary,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { decodeGrpcError, type DecodedStatus } from '@acme/grpc';

/** A failed call as the caller sees it: the gRPC status with its decoded details. */
export class BareGrpcError extends Error {
  constructor(readonly status: DecodedStatus) {
    super(`${status.code}: ${status.message}`);
  }
}

/**
 * Unary gRPC calls over one plain node:http2 connection: the request framed by hand, the answer's
 * grpc-status read from the trailers (or the headers of a trailers-only answer) and its message
 * decoded. A load generator on the same two cores as the service: grpc-js's client spent about
 * 300-450 us of CPU per AssignLicenses here (channel, call stack, metadata and deadline objects),
 * which the service's side of a ratio then paid for; this spends a fraction of it, as h2load does
 * for the reads benchmark.
 */
export class BareGrpcCaller {
  private readonly session: ClientHttp2Session;

  constructor(address: string) {
    this.session = connect(`http://${address}`);
    this.session.on('error', () => undefined); // surfaced through the calls in flight
  }

  call<I extends DescMethodUnary>(
    method: I,
    request: MessageInitShape<I['input']>,
    token: string,
  ): Promise<MessageShape<I['output']>> {
    const body = toBinary(method.input, create(method.input, request));
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(body.length, 1);
    frame.set(body, 5);
    const stream = this.session.request({
      ':method': 'POST',
      ':path': `/${method.parent.typeName}/${method.name}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${token}`,
    });
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status: IncomingHttpHeaders | null = null;
      stream.on('response', (headers) => {
        if (headers['grpc-status'] !== undefined) status = headers; // trailers-only answer
      });
      stream.on('trailers', (trailers) => (status = trailers));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => {
        if (!status) return reject(new Error(`stream closed without a grpc-status (HTTP/2 code ${stream.rstCode})`));
        const code = Number(status['grpc-status']);
        if (code !== 0) return reject(new BareGrpcError(decodedStatus(code, status)));
        const message = Buffer.concat(chunks);
        resolve(
          fromBinary(method.output, message.subarray(5, 5 + message.readUInt32BE(1))) as MessageShape<I['output']>,
        );
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}

/** The status details of a failed call, decoded as for a grpc-js client's error. */
function decodedStatus(code: number, trailers: IncomingHttpHeaders): DecodedStatus {
  const details = trailers['grpc-status-details-bin'];
  const message = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
  const raw = typeof details === 'string' ? [Buffer.from(details, 'base64')] : [];
  return decodeGrpcError({ code, details: message, metadata: { get: () => raw } as never });
}
