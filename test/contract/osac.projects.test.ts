// Projects and tenants on the osac simulator over real gRPC, through the client layer's
// domain API: what clients see, a tenant admin's project, and the server's words (with the
// fix) for a project that does not exist or a tenant that cannot be assigned; templates, host
// types and hubs follow the same project rules (it must exist, it cannot change).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tenants } from "../../proto/gen/osac/public/v1/tenants_service_pb";
import { Projects } from "../../proto/gen/osac/public/v1/projects_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import { HostTypes as PrivateHostTypes } from "../../proto/gen/osac/private/v1/host_types_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { startSimulator, type Simulator } from "../../simulator";
import { expectFulfillmentError } from "../helpers/failures";
import { NO_CLI_CONFIG } from "../helpers/paths";

let sim: Simulator;
const opened: FulfillmentClient[] = [];

async function as(claims: Record<string, unknown>): Promise<{ client: FulfillmentClient; api: FulfillmentApi }> {
  const token = await sim.issuer!.mintToken(claims, 3600);
  const client = FulfillmentClient.connect(
    resolveConnection({ explicit: { address: sim.address, plaintext: true, token, api: "osac" }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG }),
  );
  opened.push(client);
  return { client, api: await apiFor(client) };
}

const order = (api: FulfillmentApi, id: string, metadata: { project?: string; tenant?: string }) =>
  api.clusters.create({ id, metadata, spec: { template: "sim_small", templateParameters: {}, nodeSets: {} } });

beforeAll(async () => {
  sim = await startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", osac: { issuer: {}, tenants: ["acme", "other"], projects: [{ tenant: "other", name: "secret-plans" }] } });
});

afterAll(async () => {
  for (const client of opened) client.close();
  await sim?.stop();
});

describe("osac projects and tenants", () => {
  it("a client lists the projects of its tenants and shared, never another tenant's", async () => {
    const { api } = await as({ preferred_username: "alice", organization: ["acme"] });
    const projects = await api.projects!.list();
    expect(projects.map((p) => `${p.tenant}/${p.name}`).sort()).toEqual(["acme/", "shared/"]);
    expect(projects.every((p) => /^[0-9a-f-]{36}$/.test(p.id))).toBe(true);
    expect(await api.projects!.list({ name: "secret-plans" })).toEqual([]);
  });

  it("a tenant admin creates a project; clients of that tenant find it by name and order clusters in it", async () => {
    const admin = await as({ preferred_username: "ta", organization: ["acme"], realm_access: { roles: ["tenant-admin"] } });
    const created = await admin.client.call(Projects.method.create, { object: { metadata: { name: "team-a" }, spec: { title: "Team A" } } });
    expect(created.object?.metadata?.tenant).toBe("acme");
    const alice = await as({ preferred_username: "alice", organization: ["acme"] });
    const [found] = await alice.api.projects!.list({ name: "team-a" });
    expect(found).toMatchObject({ name: "team-a", tenant: "acme", title: "Team A", state: "UNSPECIFIED" });
    const cluster = await order(alice.api, "in-team-a", { project: "team-a" });
    expect(cluster?.metadata.project).toBe("team-a");
  });

  it("a project that does not exist: the server's words and the fix", async () => {
    const { api } = await as({ preferred_username: "alice", organization: ["acme"] });
    const error = await expectFulfillmentError(order(api, "nowhere", { project: "teama" }));
    expect(error.codeName).toBe("INVALID_ARGUMENT");
    expect(error.serverMessage).toBe("project 'teama' doesn't exist");
    expect(error.message).toContain("create it first (a tenant admin's Projects/Create");
    expect(error.message).toContain("getProject");
  });

  it("a tenant the caller cannot assign, or cannot see: the server's words and the fix", async () => {
    const { api } = await as({ preferred_username: "alice", organization: ["acme"] });
    const shared = await expectFulfillmentError(order(api, "in-shared", { tenant: "shared" }));
    expect(shared.codeName).toBe("PERMISSION_DENIED");
    expect(shared.serverMessage).toBe("tenant 'shared' can't be assigned");
    expect(shared.message).toContain("leave tenant empty to use the caller's own tenant");
    const other = await expectFulfillmentError(order(api, "in-other", { tenant: "other" }));
    expect(other.serverMessage).toBe("tenant 'other' doesn't exist");
    expect(other.message).toContain("is not one the caller can see");
  });

  it("templates, host types and hubs follow the same project rules: it must exist, and it cannot change", async () => {
    const { client } = await as({ preferred_username: "root", groups: ["admins"] });
    await client.call(Projects.method.create, { object: { metadata: { name: "ops" }, spec: { title: "Ops" } } });
    const kinds = [
      { what: "template", methods: PrivateTemplates.method, object: (project: string) => ({ id: "p-template", title: "T", metadata: { project } }) },
      { what: "host type", methods: PrivateHostTypes.method, object: (project: string) => ({ id: "p-hosts", title: "H", metadata: { project } }) },
      { what: "hub", methods: Hubs.method, object: (project: string) => ({ id: "p-hub", spec: { namespace: "orders" }, metadata: { project } }) },
    ];
    for (const { what, methods, object } of kinds) {
      const call = client.call.bind(client) as (method: unknown, request: unknown) => Promise<{ object?: { metadata?: { project?: string } } }>;
      const missing = await expectFulfillmentError(call(methods.create, { object: object("teama") }));
      expect([what, missing.codeName, missing.serverMessage]).toEqual([what, "INVALID_ARGUMENT", "project 'teama' doesn't exist"]);
      expect((await call(methods.create, { object: object("ops") })).object?.metadata?.project).toBe("ops");
      const masked = await expectFulfillmentError(call(methods.update, { object: object(""), updateMask: { paths: ["metadata.project"] } }));
      expect([what, masked.serverMessage]).toEqual([what, "field 'metadata.project' is immutable"]);
      expect(masked.message).toContain("The tenant and project of an object are fixed when it is created");
      const replaced = await expectFulfillmentError(call(methods.update, { object: object("") }));
      expect([what, replaced.serverMessage]).toEqual([what, "field 'metadata.project' is immutable"]);
    }
  });

  it("Tenants: admins list them; public Create is UNIMPLEMENTED; clients are denied", async () => {
    const admin = await as({ preferred_username: "root", groups: ["admins"] });
    const tenants = await admin.client.call(Tenants.method.list, {});
    expect(tenants.items.map((t) => t.metadata?.name).sort()).toEqual(["acme", "other", "shared", "system"]);
    const create = await expectFulfillmentError(admin.client.call(Tenants.method.create, { object: { metadata: { name: "new" } } }));
    expect([create.codeName, create.serverMessage]).toEqual(["UNIMPLEMENTED", "method Create not implemented"]);
    const alice = await as({ preferred_username: "alice", organization: ["acme"] });
    const denied = await expectFulfillmentError(alice.client.call(Tenants.method.list, {}));
    expect([denied.codeName, denied.serverMessage]).toEqual(["PERMISSION_DENIED", "permission denied"]);
  });
});

describe("osac projects in the state file", () => {
  it("a new simulator on the same state file has the projects made through the API (and not the deleted ones), with their ids", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "projects-state-"));
    const stateFile = path.join(dir, "state.json");
    const start = () => startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", stateFile, osac: { issuer: {}, tenants: ["acme"] } });
    const connect = async (running: Simulator, claims: Record<string, unknown>) => {
      const token = await running.issuer!.mintToken(claims, 3600);
      const client = FulfillmentClient.connect(
        resolveConnection({ explicit: { address: running.address, plaintext: true, token, api: "osac" }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG }),
      );
      opened.push(client);
      return { client, api: await apiFor(client) };
    };
    const tenantAdmin = { preferred_username: "ta", organization: ["acme"], realm_access: { roles: ["tenant-admin"] } };
    let first: Simulator | undefined = await start();
    let second: Simulator | undefined;
    try {
      const admin = await connect(first, tenantAdmin);
      const kept = (await admin.client.call(Projects.method.create, { object: { metadata: { name: "kept" }, spec: { title: "Kept" } } })).object!;
      const gone = (await admin.client.call(Projects.method.create, { object: { metadata: { name: "gone" }, spec: { title: "Gone" } } })).object!;
      await admin.client.call(Projects.method.delete, { id: gone.id });
      await order(admin.api, "in-kept", { project: "kept" });
      await first.stop();
      first = undefined;

      second = await start();
      const again = await connect(second, tenantAdmin);
      const projects = await again.api.projects!.list();
      expect(projects.map((p) => `${p.tenant}/${p.name}`).sort()).toEqual(["acme/", "acme/kept", "shared/"]);
      expect(projects.find((p) => p.name === "kept")).toMatchObject({ id: kept.id, title: "Kept" });
      expect((await again.api.clusters.get("in-kept"))?.metadata.project).toBe("kept");
      expect((await order(again.api, "in-kept-2", { project: "kept" }))?.metadata.project).toBe("kept");
      const error = await expectFulfillmentError(order(again.api, "in-gone", { project: "gone" }));
      expect(error.serverMessage).toBe("project 'gone' doesn't exist");
    } finally {
      await first?.stop();
      await second?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
