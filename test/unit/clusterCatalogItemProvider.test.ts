// The ClusterCatalogItem provider's functions, called directly (no engine) against in-process
// simulators: check failures (definitions that cannot work; the innabox generation has no
// catalog items), create, refresh drift, adoption with `import`, schema spellings, delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllClients } from "../../client/client";
import * as provider from "../../resources/clusterCatalogItemProvider";
import type { CatalogItemOutputs } from "../../resources/clusterCatalogItemProvider";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";

let osac: GenerationSimulator;
let innabox: GenerationSimulator;
const connection = (g: GenerationSimulator) => ({ address: g.sim.address, plaintext: true, token: g.adminToken, api: g.generation });

beforeAll(async () => {
  [osac, innabox] = await Promise.all([startGenerationSimulator("osac"), startGenerationSimulator("innabox")]);
});

afterAll(async () => {
  closeAllClients();
  await Promise.all([osac?.close(), innabox?.close()]);
});

const item = (extra: Record<string, unknown> = {}) => ({
  catalogItemId: "unit-ci",
  title: "Unit item",
  template: "sim_small",
  published: true,
  fieldDefinitions: [{ path: "node_sets.workers.size", editable: true, default: 2, validationSchema: { type: "integer", maximum: 4 } }],
  connection: connection(osac),
  ...extra,
});
const reasons = async (news: Record<string, unknown>) => (await provider.check({}, news)).failures?.map((f) => f.reason) ?? [];

describe("ClusterCatalogItem provider", () => {
  it("refuses definitions the server could never apply, naming the definition and the fix", async () => {
    expect(await reasons(item({ fieldDefinitions: [{ path: "pull_secret", editable: false }] }))).toEqual([
      "fieldDefinitions[0].default: non-editable field 'pull_secret' must have a default value; give it a default, or make it editable",
    ]);
    expect((await reasons(item({ fieldDefinitions: [{ path: "pull_secret", editable: true, validationSchema: "{" }] })))[0]).toMatch(
      /^fieldDefinitions\[0\]\.validationSchema: field 'pull_secret' has invalid validation_schema: .*; write a JSON Schema 2020-12$/,
    );
    expect((await reasons(item({ fieldDefinitions: [{ path: "nodeSets.workers.size", editable: true }] })))[0]).toMatch(/^fieldDefinitions\.0\.path: a cluster spec path starts with one of/);
    expect(await reasons(item())).toEqual([]);
  });

  it("is refused at check on the innabox generation, naming the generation", async () => {
    expect(await reasons(item({ connection: connection(innabox) }))).toEqual([
      "catalogItemId: the innabox generation (fulfillment.v1) has no catalog items; ClusterCatalogItem needs a server of the osac generation (osac.public.v1)",
    ]);
  });

  it("creates, keeps the program's schema spelling, and reports drift on refresh", async () => {
    const created = await provider.create(item());
    const outs = created.outs as CatalogItemOutputs;
    expect(outs.fieldDefinitions?.[0].validationSchema).toEqual({ type: "integer", maximum: 4 });
    expect(outs.tenant).toBe("shared");
    // The same schema as JSON text is no change.
    const asText = item({ fieldDefinitions: [{ path: "node_sets.workers.size", editable: true, default: 2, validationSchema: '{"maximum":4,"type":"integer"}' }] });
    expect((await provider.diff("unit-ci", outs, provider.catalogItemInputsSchema.parse(asText))).changes).toBe(false);
    const stored = (await osac.api.catalogItems.get("unit-ci"))!;
    await osac.api.catalogItems.update({ ...stored, title: "Changed by hand", published: false });
    const refreshed = await provider.read("unit-ci", outs);
    expect(refreshed.inputs).toMatchObject({ title: "Changed by hand" });
    expect((refreshed.props as CatalogItemOutputs).published).toBeUndefined();
    const back = await provider.diff("unit-ci", refreshed.props as CatalogItemOutputs, provider.catalogItemInputsSchema.parse(item()));
    expect([back.changes, back.replaces]).toEqual([true, []]);
  });

  it("refuses to create over an existing item with the import option to add, then adopts it", async () => {
    await expect(provider.create(item())).rejects.toThrow(`cluster catalog item 'unit-ci' already exists. To manage it with Pulumi, adopt it: add the resource option { import: "unit-ci" }`);
    const adopted = await provider.create({ ...item({ title: "Adopted" }), adoptId: "unit-ci" });
    expect((adopted.outs as CatalogItemOutputs).title).toBe("Adopted");
    expect((await osac.api.catalogItems.get("unit-ci"))?.published).toBe(true);
    await provider.delete("unit-ci", adopted.outs as CatalogItemOutputs);
    expect(await osac.api.catalogItems.get("unit-ci")).toBeUndefined();
  });
});
