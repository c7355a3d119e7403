import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ClientDuplexStream,
  type GrpcObject,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * Clients for the two standard services every server here exposes, for the dev CLI, readiness
 * checks and end-to-end tests: grpc.health.v1.Health/Check and grpc.reflection.v1 list_services.
 */
const require = createRequire(import.meta.url);

function loadService(protoFile: string, includeDir: string, path: string[]): ServiceClientConstructor {
  const definition = loadSync(protoFile, { includeDirs: [includeDir], keepCase: true, defaults: true, enums: String });
  let node: unknown = loadPackageDefinition(definition);
  for (const part of path) node = (node as GrpcObject)[part];
  return node as ServiceClientConstructor;
}

export async function checkHealth(address: string, service = ''): Promise<string> {
  const root = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto');
  const Health = loadService(join(root, 'health/v1/health.proto'), root, ['grpc', 'health', 'v1', 'Health']);
  type Check = (
    request: { service: string },
    options: object,
    callback: (error: Error | null, response: { status: string }) => void,
  ) => void;
  const client = new Health(address, credentials.createInsecure()) as unknown as Client & { Check: Check };
  try {
    return await new Promise<string>((resolve, reject) =>
      client.Check.call(client, { service }, { deadline: Date.now() + 5000 }, (error, response) =>
        error ? reject(error) : resolve(response.status),
      ),
    );
  } finally {
    client.close();
  }
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_message: string };
}

export async function listServicesByReflection(address: string): Promise<string[]> {
  const root = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto');
  const Reflection = loadService(join(root, 'grpc/reflection/v1/reflection.proto'), root, [
    'grpc',
    'reflection',
    'v1',
    'ServerReflection',
  ]);
  type Info = (options: object) => ClientDuplexStream<{ list_services: string }, ReflectionResponse>;
  const client = new Reflection(address, credentials.createInsecure()) as unknown as Client & {
    ServerReflectionInfo: Info;
  };
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const stream = client.ServerReflectionInfo.call(client, { deadline: Date.now() + 5000 });
      stream.on('data', (response: ReflectionResponse) => {
        if (response.error_response) reject(new Error(response.error_response.error_message));
        else resolve((response.list_services_response?.service ?? []).map((s) => s.name).sort());
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ list_services: '' });
    });
  } finally {
    client.close();
  }
}
