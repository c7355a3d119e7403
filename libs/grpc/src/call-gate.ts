import { randomUUID } from 'node:crypto';
import { ServerInterceptingCall, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import { AppError } from '@acme/util';
import { toGrpcError } from './status-mapping.js';

/** What the gate established about a call before any of its request was read. */
export interface AdmittedCall<P = unknown> {
  principal: P;
  /** `x-request-id` from the caller when well-formed, otherwise a new one. */
  requestId: string;
}

export type Authenticate<P = unknown> = (metadata: Metadata) => Promise<P>;

export interface CallGateOptions {
  /** The authenticator of the service that serves `path`; undefined for open services (health, reflection). */
  authenticatorFor(path: string): Authenticate | undefined;
  /** A call must deliver its whole request (unary) or its first message (client streaming) within this time. */
  receiveTimeoutMs: number;
  /**
   * Told of every call the gate answers, for logs and metrics: a refusal (an AppError), or whatever
   * an authenticator threw that is not one (its dependency failed: answered as INTERNAL).
   */
  onRefused(path: string, error: unknown, requestId: string): void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * grpc-js hands the same Metadata object from the interceptors to the handler, so the handler
 * finds here what the gate established; a WeakMap, so nothing outlives the call.
 */
const admitted = new WeakMap<Metadata, AdmittedCall>();

/** What the gate established for the call with this metadata; undefined if it never admitted it. */
export function admittedCall<P>(metadata: Metadata): AdmittedCall<P> | undefined {
  return admitted.get(metadata) as AdmittedCall<P> | undefined;
}

export function requestIdOf(metadata: Metadata): string {
  const offered = metadata.get('x-request-id')[0];
  return typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
}

/**
 * A server interceptor that runs before grpc-js reads a single byte of the request body. grpc-js
 * reads a call's messages only once the metadata has passed every interceptor, so a caller whose
 * token does not verify is refused having cost no more than a header lookup and a signature check:
 * nothing is inflated or decoded for it. The same gate bounds how long a caller may take to send
 * its request, so a stream opened and left silent does not hold a slot.
 */
export function callGate(options: CallGateOptions): ServerInterceptor {
  return (method, nextCall) => {
    const authenticate = options.authenticatorFor(method.path);
    let done = false;
    let requestId = '';
    let timer: NodeJS.Timeout | undefined;
    const stopTimer = () => clearTimeout(timer);
    const call: ServerInterceptingCall = new ServerInterceptingCall(nextCall, {
      start: (next) => {
        timer = setTimeout(
          () =>
            refuse(
              new AppError(
                'deadline_exceeded',
                `the request did not arrive in full within ${options.receiveTimeoutMs} ms`,
                {
                  reason: 'REQUEST_TIMEOUT',
                  metadata: { receive_timeout_ms: String(options.receiveTimeoutMs) },
                },
              ),
            ),
          options.receiveTimeoutMs,
        );
        next({
          onReceiveMetadata: (metadata, admit) => {
            if (!authenticate) return admit(metadata);
            requestId = requestIdOf(metadata);
            authenticate(metadata).then(
              (principal) => {
                if (done) return;
                admitted.set(metadata, { principal, requestId });
                admit(metadata);
              },
              (error: unknown) => refuse(error),
            );
          },
          onReceiveMessage: (message, next) => {
            if (method.requestStream) stopTimer();
            next(message);
          },
          onReceiveHalfClose: (next) => {
            stopTimer();
            next();
          },
          onCancel: () => {
            done = true;
            stopTimer();
          },
        });
      },
      sendStatus: (status, next) => {
        done = true;
        stopTimer();
        next(status);
      },
    });
    const refuse = (error: unknown) => {
      if (done) return;
      const id = requestId || randomUUID();
      options.onRefused(method.path, error, id);
      const { code, details, metadata } = toGrpcError(error, id);
      call.sendStatus({ code: code!, details: details ?? '', ...(metadata ? { metadata } : {}) });
    };
    return call;
  };
}
