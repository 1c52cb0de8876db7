// grpc.reflection.v1 ServerReflection, answering `list_services` (what clients use to tell
// which API generation a server speaks); both real servers serve it to everyone. Other
// requests get the status the real grpc-go reflection gives for what it does not know.
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import {
  ServerReflection,
  ServerReflectionResponseSchema,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from "../../proto/gen/grpc/reflection/v1/reflection_pb";
import { serviceDefinition } from "../../proto/grpc";

export const REFLECTION_SERVICE = ServerReflection.typeName;

export function addReflection(server: grpc.Server, serviceNames: () => string[]): void {
  server.addService(serviceDefinition(ServerReflection), {
    ServerReflectionInfo: (call: grpc.ServerDuplexStream<ServerReflectionRequest, ServerReflectionResponse>) => {
      call.on("data", (request: ServerReflectionRequest) => {
        const response =
          request.messageRequest.case === "listServices"
            ? create(ServerReflectionResponseSchema, {
                validHost: request.host,
                originalRequest: request,
                messageResponse: { case: "listServicesResponse", value: { service: [...serviceNames(), REFLECTION_SERVICE].sort().map((name) => ({ name })) } },
              })
            : create(ServerReflectionResponseSchema, {
                validHost: request.host,
                originalRequest: request,
                messageResponse: { case: "errorResponse", value: { errorCode: grpc.status.NOT_FOUND, errorMessage: "not found" } },
              });
        call.write(response);
      });
      call.on("end", () => call.end());
      call.on("error", () => undefined);
    },
  });
}
