// What the real fulfillment-cli's `login` needs before it has a token, over real gRPC
// with auth on: metadata.v1.Metadata/Get (authn.trusted_token_issuers, sorted and
// de-duplicated, `0a 00` when empty) and grpc.health.v1.Health/Check, both open to
// anonymous callers. Also the wire numbering of private.v1 HostClassesListResponse
// (size/total/items = 3/4/5), checked on the bytes the simulator sends.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMessage, type DescMethod, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { grpcPath } from "../../proto/grpc";
import { Metadata, MetadataGetResponseSchema } from "../../proto/gen/metadata/v1/metadata_service_pb";
import { HostClasses as PrivateHostClasses } from "../../proto/gen/private/v1/host_classes_service_pb";
import { HostClassSchema } from "../../proto/gen/private/v1/host_class_type_pb";
import { HostClasses as PublicHostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { startSimulator, type Simulator } from "../../simulator";
import { parseCli } from "../../simulator/cli";
import { healthDefinition, SERVING } from "../../simulator/services/health";
import { grpcError, RawClient } from "../helpers/grpcRaw";

const ADMIN = "admin-token";
const CLIENT = "client-token";
const auth = { adminTokens: [ADMIN], clientTokens: [CLIENT] };

/** The response bytes of one unary call, undecoded. */
function rawCall<I extends DescMessage>(address: string, method: DescMethod & { input: I }, request: MessageInitShape<I>, token?: string): Promise<Buffer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      grpcPath(method),
      (message: unknown) => Buffer.from(toBinary(method.input, message as never)),
      (bytes: Buffer) => bytes,
      create(method.input, request),
      metadata,
      { deadline: Date.now() + 5000 },
      (error, bytes) => (error ? reject(error) : resolve(bytes!)),
    );
  }).finally(() => client.close());
}

function healthCheck(address: string, service = ""): Promise<number> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const method = healthDefinition.Check;
  return new Promise<number>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize as (value: { service: string }) => Buffer,
      method.responseDeserialize as (bytes: Buffer) => number,
      { service },
      (error, value) => (error ? reject(error) : resolve(value!)),
    );
  }).finally(() => client.close());
}

/** Every top-level field of a message as [number, wire type, bytes of a length-delimited value]. */
function wireFields(bytes: Uint8Array): Array<[number, WireType, Uint8Array | number]> {
  const reader = new BinaryReader(bytes);
  const out: Array<[number, WireType, Uint8Array | number]> = [];
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (wireType === WireType.LengthDelimited) out.push([number, wireType, reader.bytes()]);
    else if (wireType === WireType.Varint) out.push([number, wireType, reader.int32()]);
    else throw new Error(`unexpected wire type ${wireType} for field ${number}`);
  }
  return out;
}

describe("metadata.v1.Metadata/Get with auth on", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", auth, seed: false });
  });
  afterAll(() => sim.stop());

  test("needs no token, and without issuers returns authn set but empty: `0a 00` on the wire", async () => {
    const bytes = await rawCall(sim.address, Metadata.method.get, {});
    expect([...bytes]).toEqual([0x0a, 0x00]);
    const response = fromBinary(MetadataGetResponseSchema, bytes);
    expect(response.authn).toBeDefined();
    expect(response.authn?.trustedTokenIssuers).toEqual([]);
  });

  test("an invalid token does not matter either", async () => {
    const client = new RawClient(sim.address, { token: "not-a-token" });
    try {
      expect((await client.call(Metadata.method.get, {})).authn?.trustedTokenIssuers).toEqual([]);
    } finally {
      client.close();
    }
  });

  test("Health/Check is open too and reports SERVING for the empty service name", async () => {
    expect(await healthCheck(sim.address)).toBe(SERVING);
  });

  test("other methods still need a token", async () => {
    const client = new RawClient(sim.address);
    try {
      const error = await grpcError(client.call(PublicHostClasses.method.list, {}));
      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    } finally {
      client.close();
    }
  });
});

describe("metadata.v1.Metadata/Get with trusted token issuers", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox",
      auth,
      seed: false,
      trustedTokenIssuers: ["https://sso.example.com/realms/b", "https://sso.example.com/realms/a", "https://sso.example.com/realms/b"],
    });
  });
  afterAll(() => sim.stop());

  test("advertises them sorted and de-duplicated, in field 1 of Authn", async () => {
    const bytes = await rawCall(sim.address, Metadata.method.get, {});
    const [[number, , authn]] = wireFields(bytes);
    expect(number).toBe(1);
    const issuers = wireFields(authn as Uint8Array).map(([field, , value]) => [field, Buffer.from(value as Uint8Array).toString("utf8")]);
    expect(issuers).toEqual([
      [1, "https://sso.example.com/realms/a"],
      [1, "https://sso.example.com/realms/b"],
    ]);
    expect(fromBinary(MetadataGetResponseSchema, bytes).authn?.trustedTokenIssuers).toEqual([
      "https://sso.example.com/realms/a",
      "https://sso.example.com/realms/b",
    ]);
  });

  test("--trusted-token-issuer may be repeated or comma-separated", () => {
    const { options } = parseCli(["--trusted-token-issuer", "https://b.example, https://a.example", "--trusted-token-issuer", "https://c.example"]);
    expect(options.trustedTokenIssuers).toEqual(["https://b.example", "https://a.example", "https://c.example"]);
    expect(parseCli([]).options.trustedTokenIssuers).toBeUndefined();
  });
});

describe("private.v1.HostClasses/List numbering (size 3, total 4, items 5)", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: false });
    const admin = new RawClient(sim.address);
    try {
      for (const id of ["hcl-a", "hcl-b", "hcl-c"]) await admin.call(PrivateHostClasses.method.create, { object: { id, title: id } });
    } finally {
      admin.close();
    }
  });
  afterAll(() => sim.stop());

  test("the generated client decodes the items, size and total", async () => {
    const client = new RawClient(sim.address);
    try {
      const page = await client.call(PrivateHostClasses.method.list, { offset: 1, limit: 1 });
      expect(page).toMatchObject({ size: 1, total: 3 });
      expect(page.items.map((item) => item.id)).toEqual(["hcl-b"]);
      const all = await client.call(PrivateHostClasses.method.list, {});
      expect(all.items.map((item) => item.id)).toEqual(["hcl-a", "hcl-b", "hcl-c"]);
    } finally {
      client.close();
    }
  });

  test("on the wire: items are field 5, size field 3, total field 4", async () => {
    const bytes = await rawCall(sim.address, PrivateHostClasses.method.list, { limit: 2 });
    const fields = wireFields(bytes);
    expect(fields.filter(([number]) => number === 3).map(([, wireType, value]) => [wireType, value])).toEqual([[WireType.Varint, 2]]);
    expect(fields.filter(([number]) => number === 4).map(([, wireType, value]) => [wireType, value])).toEqual([[WireType.Varint, 3]]);
    const items = fields.filter(([number]) => number === 5);
    expect(items.every(([, wireType]) => wireType === WireType.LengthDelimited)).toBe(true);
    expect(items.map(([, , value]) => fromBinary(HostClassSchema, value as Uint8Array).id)).toEqual(["hcl-a", "hcl-b"]);
    expect(fields.map(([number]) => number).filter((number) => ![3, 4, 5].includes(number))).toEqual([]);
  });
});
