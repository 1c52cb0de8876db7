// The osac simulator's authentication and authorization over real gRPC, against the
// facts in shared/osac-api.md ("Interceptor chain and authentication"): the built-in
// https issuer (discovery, JWKS, client_credentials), JWT validation and its texts, the
// anonymous methods, admins vs clients, JIT provisioning, and reflection on both generations.
import * as https from "node:https";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostTypes } from "../../proto/gen/osac/public/v1/host_types_service_pb";
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { Capabilities } from "../../proto/gen/osac/public/v1/capabilities_service_pb";
import { Capabilities as PrivateCapabilities } from "../../proto/gen/osac/private/v1/capabilities_service_pb";
import { JsonWebKeySet } from "../../proto/gen/osac/public/v1/json_web_key_set_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterTemplates } from "../../proto/gen/osac/public/v1/cluster_templates_service_pb";
import { ServerReflection, type ServerReflectionResponse } from "../../proto/gen/grpc/reflection/v1/reflection_pb";
import { grpcPath, messageDeserializer, requestSerializer } from "../../proto/grpc";
import { startIssuer, startSimulator, type TokenIssuer } from "../../simulator";
import { healthDefinition } from "../../simulator/services/health";
import { OsacAuthenticator, relativeTime } from "../../simulator/osac/auth";
import { Directory } from "../../simulator/osac/tenancy";
import { grpcError } from "../helpers/grpcRaw";
import { OsacClient, startOsac, type OsacFixture } from "../helpers/osacRaw";

interface HttpAnswer {
  status: number;
  json: Record<string, unknown>;
}

function request(url: string, caPem: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? "GET", ca: caPem, headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});

function listServices(address: string): Promise<string[]> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const method = ServerReflection.method.serverReflectionInfo;
  return new Promise<string[]>((resolve, reject) => {
    const call = client.makeBidiStreamRequest(grpcPath(method), requestSerializer(method.input), messageDeserializer(method.output), new grpc.Metadata());
    call.on("data", (response: ServerReflectionResponse) => {
      if (response.messageResponse.case === "listServicesResponse") resolve(response.messageResponse.value.service.map((service) => service.name));
      else reject(new Error(`unexpected answer ${response.messageResponse.case}`));
      call.end();
    });
    call.on("error", reject);
    call.write(create(method.input, { messageRequest: { case: "listServices", value: "" } }));
  }).finally(() => client.close());
}

describe("osac simulator: the built-in token issuer", () => {
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await startIssuer({ clients: [{ clientId: "ci", clientSecret: "s3cret", claims: { organization: ["acme"] } }] });
  });
  afterAll(() => issuer.close());

  it("serves OpenID discovery and OAuth server metadata over https with its own CA", async () => {
    expect(issuer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const oidc = await request(`${issuer.url}/.well-known/openid-configuration`, issuer.caPem);
    expect(oidc.status).toBe(200);
    expect(oidc.json).toMatchObject({ issuer: issuer.url, token_endpoint: issuer.tokenEndpoint, grant_types_supported: ["client_credentials"] });
    expect(String(oidc.json.jwks_uri)).toMatch(/^https:\/\//);
    const oauth = await request(`${issuer.url}/.well-known/oauth-authorization-server`, issuer.caPem);
    expect(oauth.json).toMatchObject({ issuer: issuer.url, token_endpoint: issuer.tokenEndpoint, jwks_uri: oidc.json.jwks_uri });
    const jwks = await request(String(oidc.json.jwks_uri), issuer.caPem);
    expect(jwks.json.keys).toEqual([expect.objectContaining({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) })]);
  });

  it("is not trusted without its CA", async () => {
    await expect(request(`${issuer.url}/.well-known/openid-configuration`, "")).rejects.toThrow();
  });

  it("issues client_credentials tokens to registered clients (secret in the body or as Basic auth)", async () => {
    const answer = await request(issuer.tokenEndpoint, issuer.caPem, form({ grant_type: "client_credentials", client_id: "ci", client_secret: "s3cret" }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: "Bearer", expires_in: 300 });
    const payload = JSON.parse(Buffer.from(String(answer.json.access_token).split(".")[1], "base64url").toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: issuer.url, preferred_username: "service-account-ci", azp: "ci", typ: "Bearer", organization: ["acme"] });
    const basic = await request(issuer.tokenEndpoint, issuer.caPem, {
      ...form({ grant_type: "client_credentials" }),
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from("ci:s3cret").toString("base64")}` },
    });
    expect(basic.status).toBe(200);
    expect(JSON.parse(Buffer.from(String(basic.json.access_token).split(".")[1], "base64url").toString()).sub).toBe(payload.sub);
  });

  it("refuses a wrong secret, an unknown client and other grants", async () => {
    const wrong = await request(issuer.tokenEndpoint, issuer.caPem, form({ grant_type: "client_credentials", client_id: "ci", client_secret: "nope" }));
    expect(wrong).toEqual({ status: 401, json: { error: "invalid_client", error_description: "Invalid client or Invalid client credentials" } });
    const unknown = await request(issuer.tokenEndpoint, issuer.caPem, form({ grant_type: "client_credentials", client_id: "who", client_secret: "s3cret" }));
    expect(unknown.status).toBe(401);
    const password = await request(issuer.tokenEndpoint, issuer.caPem, form({ grant_type: "password", client_id: "ci", client_secret: "s3cret" }));
    expect(password.status).toBe(400);
    expect(password.json.error).toBe("unsupported_grant_type");
  });
});

describe("osac simulator: authentication", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac({ osac: { issuer: { clients: [{ clientId: "osac-admin", clientSecret: "a", claims: {} }, { clientId: "acme-ci", clientSecret: "c", claims: { organization: ["acme"] } }] } } });
  });
  afterAll(() => f.close());

  it("requires a token for everything but Capabilities, JsonWebKeySet, reflection and health (live)", async () => {
    const error = await grpcError(f.client.call(HostTypes.method.list, {}));
    expect([error.code, error.details]).toEqual([grpc.status.UNAUTHENTICATED, "method '/osac.public.v1.HostTypes/List' requires authentication"]);
    const hubs = await grpcError(f.client.call(Hubs.method.list, {}));
    expect(hubs.details).toBe("method '/osac.private.v1.Hubs/List' requires authentication");
    const privateCapabilities = await grpcError(f.client.call(PrivateCapabilities.method.get, {}));
    expect(privateCapabilities.code).toBe(grpc.status.UNAUTHENTICATED);
    const capabilities = await f.client.call(Capabilities.method.get, {});
    expect(capabilities.authn?.trustedTokenIssuers).toEqual([f.sim.issuer!.url]);
    const jwks = await f.client.call(JsonWebKeySet.method.get, {});
    expect(jwks.contentType).toBe("application/json");
    expect(JSON.parse(Buffer.from(jwks.data).toString()).keys[0]).toMatchObject({ kty: "RSA", alg: "RS256" });
    const health = new grpc.Client(f.sim.address, grpc.credentials.createInsecure());
    const status = await new Promise<number>((resolve, reject) =>
      health.makeUnaryRequest(healthDefinition.Check.path, healthDefinition.Check.requestSerialize, healthDefinition.Check.responseDeserialize, { service: "osac.public.v1.Clusters" }, (e, r) => (e ? reject(e) : resolve(r as number))),
    );
    health.close();
    expect(status).toBe(1);
  });

  it("says token expired with go-humanize's relative time (live: 'token expired 1 hour ago')", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await f.token({ preferred_username: "alice", organization: ["acme"], iat: now - 7300 }, -3700);
    const error = await grpcError(f.client.call(HostTypes.method.list, {}, expired));
    expect([error.code, error.details]).toEqual([grpc.status.UNAUTHENTICATED, "token expired 1 hour ago"]);
    expect(relativeTime(500)).toBe("now");
    expect(relativeTime(1500)).toBe("1 second ago");
    expect(relativeTime(5 * 60_000 + 10)).toBe("5 minutes ago");
    expect(relativeTime(3 * 86_400_000)).toBe("3 days ago");
  });

  it("refuses bad headers with the authn interceptor's texts", async () => {
    const call = (headers: Array<[string, string]>) => grpcError(f.client.call(HostTypes.method.list, {}, { headers }));
    expect((await call([["authorization", "Bearer"]])).details).toBe("authorization header value should be 'Bearer TOKEN'");
    expect((await call([["authorization", "Basic abc"]])).details).toBe("authentication scheme 'Basic' is not supported");
    // Neither grpc-js nor node:http2 clients can send two authorization values: ask the authenticator directly.
    const metadata = new grpc.Metadata();
    metadata.add("authorization", `Bearer ${f.alice}`);
    metadata.add("authorization", `Bearer ${f.alice}`);
    const authenticator = new OsacAuthenticator({ issuers: new Map(), directory: new Directory() });
    await expect(authenticator.check(metadata, "/osac.public.v1.HostTypes/List")).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      message: "expected at most one 'authorization' header, but received 2",
    });
    expect((await call([["authorization", "Bearer not-a-jwt"]])).details).toBe("token is not valid");
  });

  it("accepts only tokens signed by a trusted issuer", async () => {
    const stranger = await startIssuer();
    try {
      const foreign = await stranger.mintToken({ preferred_username: "alice", organization: ["acme"] });
      expect((await grpcError(f.client.call(HostTypes.method.list, {}, foreign))).details).toBe("token is not valid");
      // A token claiming the trusted issuer but signed with another key.
      const forged = await stranger.mintToken({ iss: f.sim.issuer!.url, preferred_username: "alice", organization: ["acme"] });
      expect((await grpcError(f.client.call(HostTypes.method.list, {}, forged))).details).toBe("token is not valid");
    } finally {
      await stranger.close();
    }
    const noSub = await f.token({ sub: "", preferred_username: "alice", organization: ["acme"] });
    expect((await grpcError(f.client.call(HostTypes.method.list, {}, noSub))).details).toBe("token does not contain the 'sub' claim");
  });

  it("trusts an external issuer found through OIDC discovery over https", async () => {
    const external = await startIssuer();
    const sim = await startSimulator({ api: "osac", hubs: "simulated", trustedTokenIssuers: [external.url], osac: { issuer: false, issuerCaPems: [external.caPem], tenants: ["acme"] } });
    const client = new OsacClient(sim.address);
    try {
      const capabilities = await client.call(Capabilities.method.get, {});
      expect(capabilities.authn?.trustedTokenIssuers).toEqual([external.url]);
      const token = await external.mintToken({ preferred_username: "alice", organization: ["acme"] });
      const list = await client.call(HostTypes.method.list, {}, token);
      expect(list.total).toBe(0);
    } finally {
      client.close();
      await sim.stop();
      await external.close();
    }
  });

  it("refuses to start without any issuer", async () => {
    await expect(startSimulator({ api: "osac", osac: { issuer: false } })).rejects.toThrow("failed to create JWKS cache: at least one issuer must be configured");
  });
});

describe("osac simulator: authorization and JIT provisioning", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac({ osac: { issuer: { clients: [{ clientId: "osac-admin", clientSecret: "a" }, { clientId: "acme-ci", clientSecret: "c", claims: { organization: ["acme"] } }] } } });
  });
  afterAll(() => f.close());

  it("lets clients call only their methods: PERMISSION_DENIED 'permission denied' (live)", async () => {
    for (const call of [f.client.call(Hubs.method.list, {}, f.alice), f.client.call(HostTypes.method.create, { object: {} }, f.alice), f.client.call(ClusterTemplates.method.delete, { id: "sim_small" }, f.alice)]) {
      const error = await grpcError(call);
      expect([error.code, error.details]).toEqual([grpc.status.PERMISSION_DENIED, "permission denied"]);
    }
    expect((await f.client.call(HostTypes.method.list, {}, f.alice)).total).toBe(2);
    expect((await f.client.call(Clusters.method.list, {}, f.alice)).total).toBe(0);
  });

  it("makes admins of group admins, service-account-osac-admin/-controller and emergency service accounts", async () => {
    const tokens = [
      f.admin,
      await f.token({ preferred_username: "service-account-osac-controller" }),
      await f.token({ sub: "system:serviceaccount:osac:osac-operator", "kubernetes.io": { namespace: "osac" } }),
    ];
    for (const token of tokens) expect((await f.client.call(Hubs.method.list, {}, token)).total).toBe(0);
    const otherNamespace = await f.token({ sub: "system:serviceaccount:elsewhere:admin", "kubernetes.io": { namespace: "elsewhere" } });
    expect((await grpcError(f.client.call(Hubs.method.list, {}, otherNamespace))).details).toBe("permission denied");
  });

  it("issues admin tokens to the client osac-admin through client_credentials", async () => {
    const answer = await request(f.sim.issuer!.tokenEndpoint, f.sim.issuer!.caPem, form({ grant_type: "client_credentials", client_id: "osac-admin", client_secret: "a" }));
    const token = String(answer.json.access_token);
    expect((await f.client.call(Hubs.method.list, {}, token)).total).toBe(0);
    const created = await f.client.call(HostTypes.method.create, { object: { id: "by_admin" } }, token);
    expect(created.object?.metadata).toMatchObject({ creator: "service-account-osac-admin", tenant: "shared" });
  });

  it("fails every call of a subject whose only tenant does not exist (live)", async () => {
    const ghost = await f.token({ preferred_username: "carol", organization: ["acme-ghost"] });
    const error = await grpcError(f.client.call(HostTypes.method.list, {}, ghost));
    expect([error.code, error.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "user provisioning failed: failed to create user: rpc error: code = InvalidArgument desc = tenant 'acme-ghost' doesn't exist",
    ]);
  });

  it("lets a client without organization read (only shared) but not create (live)", async () => {
    const nobody = await f.token({ preferred_username: "dave" });
    expect((await f.client.call(HostTypes.method.list, {}, nobody)).total).toBeGreaterThan(0);
    const error = await grpcError(f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, nobody));
    expect([error.code, error.details]).toEqual([grpc.status.INTERNAL, "failed to determine assignable tenants"]);
  });

  it("records the JIT user's id as creator on the public API, and system on the private API (live)", async () => {
    const created = await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice);
    expect(created.object?.metadata?.creator).toMatch(/^[0-9a-f-]{36}$/);
    const again = await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice);
    expect(again.object?.metadata?.creator).toBe(created.object?.metadata?.creator);
    const hub = await f.client.call(Hubs.method.create, { object: { id: "h", spec: { namespace: "n" } } }, f.admin);
    expect(hub.object?.metadata?.creator).toBe("system");
    const mine = await f.client.call(HostTypes.method.create, { object: { id: "mine" } }, f.admin);
    expect(mine.object?.metadata?.creator).toBe("admin");
  });
});

describe("grpc.reflection.v1 list_services", () => {
  it("names the osac services on the osac simulator", async () => {
    const f = await startOsac();
    try {
      const names = await listServices(f.sim.address);
      expect(names).toEqual(expect.arrayContaining(["osac.public.v1.Clusters", "osac.private.v1.Hubs", "osac.public.v1.Capabilities", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"]));
      expect(names.some((name) => name.startsWith("fulfillment.v1."))).toBe(false);
    } finally {
      await f.close();
    }
  });

  it("names the innabox services on the innabox simulator", async () => {
    const sim = await startSimulator({ api: "innabox", hubs: "simulated" });
    try {
      const names = await listServices(sim.address);
      expect(names).toEqual(expect.arrayContaining(["fulfillment.v1.Clusters", "private.v1.Hubs", "grpc.reflection.v1.ServerReflection"]));
      expect(names.some((name) => name.startsWith("osac."))).toBe(false);
    } finally {
      await sim.stop();
    }
  });
});
