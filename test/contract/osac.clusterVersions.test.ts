// ClusterVersions on the osac simulator over real gRPC, as shared/osac-api.md describes them:
// server-chosen ids, the Create checks and defaults, the default name, one default, immutable
// fields, allowed upgrades, the public view (no image; enabled ACTIVE/DEPRECATED only), and
// versions kept in the state file across a restart.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterVersions } from "../../proto/gen/osac/public/v1/cluster_versions_service_pb";
import { ClusterVersions as PrivateVersions } from "../../proto/gen/osac/private/v1/cluster_versions_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { startSimulator, type Simulator } from "../../simulator";
import { defaultVersionName } from "../../simulator/osac/clusterVersions";
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

beforeAll(async () => {
  sim = await startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", osac: { issuer: {}, tenants: ["acme"] } });
});

afterAll(async () => {
  for (const client of opened) client.close();
  await sim?.stop();
});

describe("osac ClusterVersions", () => {
  it("names a version as the server does: 4.17.0 → 4-17-0-e769", () => {
    expect(defaultVersionName("4.17.0")).toBe("4-17-0-e769");
  });

  it("admins create versions with server ids, defaults, one default and allowed upgrades", async () => {
    const { api, client } = await as({ preferred_username: "root", groups: ["admins"] });
    const versions = api.clusterVersions!;
    const v418 = await versions.create({ version: "4.18.0", image: "quay.io/ocp-release:4.18.0", isDefault: true });
    expect(v418).toMatchObject({ name: "4-18-0-" + defaultVersionName("4.18.0").slice(-4), enabled: true, isDefault: true, state: "ACTIVE", image: "quay.io/ocp-release:4.18.0" });
    expect(v418.id).toMatch(/^[0-9a-f-]{36}$/);
    const v417 = await versions.create({ version: "4.17.0", image: "quay.io/ocp-release:4.17.0", isDefault: true, allowedUpgrades: [v418.name] });
    expect((await versions.get(v418.id))?.isDefault).toBe(false);
    expect(v417.allowedUpgrades).toEqual([v418.name]);
    // The client's id is ignored.
    const response = await client.call(PrivateVersions.method.create, { object: { id: "mine", spec: { version: "4.19.0", image: "img" } } });
    expect(response.object?.id).not.toBe("mine");
  });

  it("refuses what the server refuses, with its words", async () => {
    const { client, api } = await as({ preferred_username: "root", groups: ["admins"] });
    const code = async (promise: Promise<unknown>) => {
      const error = await expectFulfillmentError(promise);
      return `${error.codeName}: ${error.serverMessage}`;
    };
    expect(await code(client.call(PrivateVersions.method.create, { object: {} }))).toBe("INVALID_ARGUMENT: object spec is mandatory");
    expect(await code(client.call(PrivateVersions.method.create, { object: { spec: { version: "4.17", image: "x" } } }))).toBe(
      "INVALID_ARGUMENT: field 'spec.version' is not a valid SemVer 2.0.0 string: invalid semantic version",
    );
    expect(await code(client.call(PrivateVersions.method.create, { object: { spec: { version: "4.20.0" } } }))).toBe("INVALID_ARGUMENT: field 'spec.image' is required");
    expect(await code(client.call(ClusterVersions.method.create, { object: { spec: { version: "4.20.0" } } }))).toBe("INVALID_ARGUMENT: field 'spec.image' is required");
    const v = (await api.clusterVersions!.findByVersion("4.17.0", { admin: true }))!;
    expect(await code(client.call(PrivateVersions.method.update, { object: { id: v.id, spec: { version: "4.17.1" } }, updateMask: { paths: ["spec.version"] } }))).toBe(
      "INVALID_ARGUMENT: field 'spec.version' is immutable and cannot be changed from '4.17.0' to '4.17.1'",
    );
    expect(
      await code(client.call(PrivateVersions.method.create, { object: { spec: { version: "4.21.0", image: "x", enabled: false, isDefault: true } } })),
    ).toBe("INVALID_ARGUMENT: cannot set 'is_default' on a disabled cluster version");
  });

  it("clients read the public view: no image, only enabled ACTIVE/DEPRECATED versions; writes are denied", async () => {
    const admin = await as({ preferred_username: "root", groups: ["admins"] });
    const hidden = await admin.api.clusterVersions!.create({ version: "4.16.0", image: "img-416", enabled: false });
    const alice = await as({ preferred_username: "alice", organization: ["acme"] });
    const offered = await alice.api.clusterVersions!.list();
    expect(offered.map((v) => v.version)).not.toContain("4.16.0");
    expect(offered.map((v) => v.version)).toContain("4.17.0");
    expect(offered.every((v) => v.image === undefined)).toBe(true);
    expect(await alice.api.clusterVersions!.findByVersion("4.16.0")).toBeUndefined();
    const denied = await expectFulfillmentError(alice.api.clusterVersions!.delete(hidden.id));
    expect(denied.codeName).toBe("PERMISSION_DENIED");
    // Deleting a version removes its name from the others' allowed upgrades.
    const v418 = (await admin.api.clusterVersions!.findByVersion("4.18.0", { admin: true }))!;
    await admin.api.clusterVersions!.delete(v418.id);
    expect((await admin.api.clusterVersions!.findByVersion("4.17.0", { admin: true }))?.allowedUpgrades).toEqual([]);
  });
});

describe("osac ClusterVersions in the state file", () => {
  it("a restart keeps the versions, their default and allowed upgrades; the ids stay", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cv-state-"));
    const stateFile = path.join(dir, "state.json");
    const kept = await startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", stateFile, osac: { issuer: {} } });
    try {
      const token = await kept.issuer!.mintToken({ preferred_username: "root", groups: ["admins"] }, 3600);
      const client = FulfillmentClient.connect(
        resolveConnection({ explicit: { address: kept.address, plaintext: true, token, api: "osac" }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG }),
      );
      opened.push(client);
      const versions = (await apiFor(client)).clusterVersions!;
      const v418 = await versions.create({ version: "4.18.0", image: "quay.io/ocp-release:4.18.0" });
      const v417 = await versions.create({ version: "4.17.0", image: "quay.io/ocp-release:4.17.0", isDefault: true, allowedUpgrades: [v418.name] });
      const written = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { clusterVersions?: unknown[] };
      expect(written.clusterVersions).toHaveLength(2);

      await kept.restart();
      const after = await versions.get(v417.id);
      expect(after).toMatchObject({ id: v417.id, name: v417.name, version: "4.17.0", image: "quay.io/ocp-release:4.17.0", isDefault: true, allowedUpgrades: [v418.name] });
      expect((await versions.get(v418.id))?.version).toBe("4.18.0");
      // The rules still see them: the name is taken and the default moves.
      const v419 = await versions.create({ version: "4.19.0", image: "quay.io/ocp-release:4.19.0", isDefault: true });
      expect((await versions.get(v417.id))?.isDefault).toBe(false);
      await versions.delete(v419.id);
      await kept.restart();
      expect(await versions.get(v419.id)).toBeUndefined();
      expect((await versions.get(v417.id))?.isDefault).toBe(false);
    } finally {
      await kept.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
