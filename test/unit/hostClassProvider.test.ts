// The HostClass provider's functions, called directly (no engine) against an in-process
// simulator: check messages, diffs, create/adopt/read/update/delete, and that updates
// send a mask of only what changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient, closeAllClients } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { UNKNOWN } from "../../toolkit/common";
import * as provider from "../../resources/hostClassProvider";
import type { HostClassInputs } from "../../resources/hostClassProvider";

let sim: Simulator;
let api: FulfillmentClient;
let connection: { address: string; plaintext: true };

beforeAll(async () => {
  sim = await startSimulator({ api: "innabox", seed: false, hubs: "simulated", deletionDelayMs: 50 });
  connection = { address: sim.address, plaintext: true };
  api = FulfillmentClient.connect(resolveConnection({ explicit: connection, env: {} }));
});

afterAll(async () => {
  api?.close();
  closeAllClients();
  await sim?.stop();
});

const reasons = async (news: Record<string, unknown>) => (await provider.check({}, news)).failures?.map((f) => f.reason) ?? [];
const stored = async (id: string) => (await api.call(HostClasses.method.get, { id })).object!;

describe("check", () => {
  it("names the field and says what to write", async () => {
    expect(await reasons({ title: "x" })).toEqual(["hostClassId: set hostClassId, the id template node sets name (e.g. 'acme_1tib')"]);
    expect(await reasons({ hostClassId: "bad id!", title: "x" })).toEqual(["hostClassId: use letters, digits, '-', '_' and '.' (e.g. 'acme_1tib')"]);
    expect(await reasons({ hostClassId: "ok" })).toEqual(["title: set a title, e.g. 'ACME 1 TiB'"]);
    expect(await reasons({ hostClassId: "ok", title: "" })).toEqual(["title: set a title, e.g. 'ACME 1 TiB'"]);
    expect((await reasons({ hostClassId: "ok", title: "x", name: "Not_A_Label" }))[0]).toMatch(/^name: must be a DNS label/);
    expect((await reasons({ hostClassId: "ok", title: "x", labels: { team: 3 } }))[0]).toMatch(/^labels\.team: label values must be strings/);
    expect(await reasons({ hostClassId: "ok", title: "x", description: "d", name: "n", labels: { team: "a" } })).toEqual([]);
  });

  it("ignores values not known until apply", async () => {
    expect(await reasons({ hostClassId: UNKNOWN, title: UNKNOWN })).toEqual([]);
  });
});

describe("diff", () => {
  const olds: HostClassInputs = { hostClassId: "a", title: "A", description: "d", labels: { team: "x" } };
  it("replaces on a new id, updates other changes, and sees no change otherwise", async () => {
    expect(await provider.diff("a", olds, { ...olds, hostClassId: "b" })).toMatchObject({ changes: true, replaces: ["hostClassId"], deleteBeforeReplace: true });
    expect(await provider.diff("a", olds, { ...olds, title: "A2" })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff("a", olds, { ...olds, labels: { team: "y" } })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff("a", olds, { ...olds })).toMatchObject({ changes: false, replaces: [] });
    // An empty description and none at all mean the same to the server.
    expect(await provider.diff("a", { ...olds, description: undefined }, { ...olds, description: "" })).toMatchObject({ changes: false });
  });

  it("masks only the changed paths", () => {
    expect(provider.changedPaths(olds, { ...olds, title: "B", name: "n" })).toEqual(["title", "name"]);
    expect(provider.changedPaths(olds, { ...olds, description: undefined, labels: undefined })).toEqual(["description", "labels"]);
  });
});

describe("lifecycle against the simulator", () => {
  it("creates, reads, updates with a mask, and deletes", async () => {
    const inputs = { hostClassId: "unit_hc", title: "Unit", description: "Some **hosts**", labels: { team: "a" }, connection };
    const created = await provider.create(inputs);
    expect(created.id).toBe("unit_hc");
    expect(created.outs).toMatchObject({ hostClassId: "unit_hc", title: "Unit", description: "Some **hosts**", labels: { team: "a" } });
    expect((await stored("unit_hc")).title).toBe("Unit");

    const read = await provider.read("unit_hc", created.outs);
    expect(read.id).toBe("unit_hc");
    expect(read.inputs).toEqual(created.outs);

    // A label added out of band survives a title change: the update's mask names only the title.
    await api.call(HostClasses.method.update, {
      object: { id: "unit_hc", metadata: { labels: { team: "a", extra: "1" } } },
      updateMask: { paths: ["metadata.labels"] },
    });
    const updated = await provider.update("unit_hc", created.outs, { ...inputs, title: "Unit 2" });
    expect(updated.outs).toMatchObject({ title: "Unit 2", description: "Some **hosts**", labels: { team: "a", extra: "1" } });
    expect((await stored("unit_hc")).description).toBe("Some **hosts**");

    await provider.delete("unit_hc", updated.outs as HostClassInputs);
    // Gone or still lingering with a deletion timestamp: either way it leaves the state.
    expect((await provider.read("unit_hc", updated.outs as HostClassInputs)).id).toBe("");
    // Deleting what is already gone is not an error.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await provider.delete("unit_hc", updated.outs as HostClassInputs);
  });

  it("refuses to create an existing host class, telling how to adopt it, and adopts it with import", async () => {
    await api.call(HostClasses.method.create, { object: { id: "unit_existing", title: "Made by hand", metadata: { labels: { owner: "ops" } } } });
    const inputs = { hostClassId: "unit_existing", title: "Managed", connection };
    await expect(provider.create(inputs)).rejects.toThrow(
      `host class 'unit_existing' already exists. To manage it with Pulumi, adopt it: add the resource option { import: "unit_existing" } to this HostClass, run 'pulumi up', then remove the option`,
    );
    await expect(provider.create({ ...inputs, adoptId: "other" })).rejects.toThrow(/must equal hostClassId \('unit_existing'\)/);
    await expect(provider.create({ ...inputs, hostClassId: "unit_missing", adoptId: "unit_missing" })).rejects.toThrow(
      /cannot adopt host class 'unit_missing': the service has no host class with that id/,
    );
    const adopted = await provider.create({ ...inputs, adoptId: "unit_existing" });
    expect(adopted.id).toBe("unit_existing");
    expect(adopted.outs).toMatchObject({ title: "Managed" });
    const object = await stored("unit_existing");
    expect(object.title).toBe("Managed");
    // Adoption makes the object what the program says: its title, and no labels (the program sets none).
    expect(object.metadata?.labels).toEqual({});
  });
});
