// grpc.health.v1.Health/Check with a hand-written codec: two tiny messages do not
// justify a proto-loader dependency (what the grpc-health-check package pulls in).
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

export const SERVING = 1;

export interface HealthCheckRequest {
  service: string;
}

/**
 * HealthCheckRequest { string service = 1; }. Decoded into an object: grpc-js takes a
 * falsy request (the empty service name) for a missing one.
 */
export function decodeHealthRequest(bytes: Buffer): HealthCheckRequest {
  let offset = 0;
  let service = "";
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bytes.length) throw new Error("truncated varint");
      const byte = bytes[offset++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const wireType = tag & 7;
    if (wireType === 0) varint();
    else if (wireType === 2) {
      const length = varint();
      if (tag >>> 3 === 1) service = bytes.subarray(offset, offset + length).toString("utf8");
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  return { service };
}

/** HealthCheckResponse { ServingStatus status = 1; } */
export function encodeHealthResponse(status: number): Buffer {
  return Buffer.from([0x08, status]);
}

function encodeHealthRequest({ service }: HealthCheckRequest): Buffer {
  const data = Buffer.from(service, "utf8");
  if (data.length > 127) throw new Error("service name too long for this codec");
  return data.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, data.length]), data]);
}

export const healthDefinition: ServiceDefinition = {
  Check: {
    path: "/grpc.health.v1.Health/Check",
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthRequest,
    requestDeserialize: decodeHealthRequest,
    responseSerialize: encodeHealthResponse,
    responseDeserialize: (bytes: Buffer) => (bytes.length >= 2 ? bytes[1] : 0),
  } as MethodDefinition<HealthCheckRequest, number>,
};
