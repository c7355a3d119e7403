import { toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';
import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Server reflection (so grpcurl and Postman can list and call the services) from protobuf-es
 * descriptors. @grpc/reflection reads serialized FileDescriptorProtos from a proto-loader package
 * definition; we hand it the same shape built from the generated files and their imports.
 */
export function addReflection(server: Server, services: DescService[]): void {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (files.has(file.name)) return;
    files.set(file.name, file);
    file.dependencies.forEach(visit);
  };
  services.forEach((service) => visit(service.file));
  const fileDescriptorProtos = [...files.values()].map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)),
  );
  // The health service is not a protobuf-es descriptor; its proto ships with grpc-health-check.
  const healthRoot = join(dirname(createRequire(import.meta.url).resolve('grpc-health-check/package.json')), 'proto');
  const health = loadSync(join(healthRoot, 'health/v1/health.proto'), { includeDirs: [healthRoot] });
  const packageDefinition = { ...health, 'protobuf-es': { format: 'protobuf-es', fileDescriptorProtos } };
  const reflection = new ReflectionService(packageDefinition as never, {
    services: [...services.map((s) => s.typeName), 'grpc.health.v1.Health'],
  });
  reflection.addToServer(server);
}
