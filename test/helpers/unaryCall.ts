import * as grpc from "@grpc/grpc-js";
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { grpcPath, messageDeserializer, requestSerializer, type UnaryMethod } from "../../proto/grpc";

/**
 * One unary call over an existing grpc-js client. For tests that speak the raw
 * wire beside the client layer (client/client.ts has the deadlines, retries and auth).
 */
export function unaryCall<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: UnaryMethod<I, O>,
  request: MessageInitShape<I>,
  metadata: grpc.Metadata = new grpc.Metadata(),
  options: grpc.CallOptions = {},
): Promise<MessageShape<O>> {
  const message = create(method.input, request);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      grpcPath(method),
      requestSerializer(method.input),
      messageDeserializer(method.output),
      message,
      metadata,
      options,
      (error, response) => (error ? reject(error) : resolve(response as MessageShape<O>)),
    );
  });
}
