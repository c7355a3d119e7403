/**
 * The ceiling for reads: a bare grpc-js server with one unary handler that answers at once with
 * an empty message (no auth, no logging, no database). Prints `ready <port>` when listening.
 */
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';

const passthrough = (bytes: Buffer) => bytes;
const server = new Server();
server.addService(
  {
    call: {
      path: '/bench.Empty/Call',
      requestStream: false,
      responseStream: false,
      requestSerialize: passthrough,
      requestDeserialize: passthrough,
      responseSerialize: passthrough,
      responseDeserialize: passthrough,
    },
  },
  {
    call: (_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)),
  },
);
server.bindAsync(`127.0.0.1:${process.env.PORT ?? '0'}`, ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`ready ${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
