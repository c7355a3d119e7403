import { toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';
import type { Server } from '@grpc/grpc-js';

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
  const fileDescriptorProtos = [...files.values()].map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
  const packageDefinition = { descriptors: { format: 'protobuf-es', fileDescriptorProtos } };
  const reflection = new ReflectionService(packageDefinition as never, { services: services.map((s) => s.typeName) });
  reflection.addToServer(server);
}
