import { toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';
import type { Server } from '@grpc/grpc-js';
import { health } from '@acme/contracts';

/**
 * Server reflection (so grpcurl, buf curl and Postman can list and call the services) from
 * protobuf-es descriptors. @grpc/reflection reads serialized FileDescriptorProtos from a
 * proto-loader package definition; we hand it the same shape built from the generated files and
 * their imports. The health service's schema comes from the same generated code (proto/grpc): the
 * one proto-loader builds names its map entry `Statuses`, which strict clients reject.
 */
export function addReflection(server: Server, services: DescService[]): void {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (files.has(file.name)) return;
    files.set(file.name, file);
    file.dependencies.forEach(visit);
  };
  const served = [...services, health.Health];
  served.forEach((service) => visit(service.file));
  const fileDescriptorProtos = [...files.values()].map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)),
  );
  const packageDefinition = { 'protobuf-es': { format: 'protobuf-es', fileDescriptorProtos } };
  const reflection = new ReflectionService(packageDefinition as never, {
    services: served.map((s) => s.typeName),
  });
  reflection.addToServer(server);
}
