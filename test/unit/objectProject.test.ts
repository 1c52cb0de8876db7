// `project` on ClusterTemplate, HostClass and Hub: the providers' functions called directly
// (no engine) against in-process simulators of both generations. Diffs (a new project
// replaces; left out and "" are the same), check (innabox refuses it, naming the field and
// the generation), create/read in a project, adoption comparing it, and the server's words
// with the fix for a project that does not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { closeAllClients } from "../../client/client";
import * as templates from "../../resources/clusterTemplateProvider";
import * as hostClasses from "../../resources/hostClassProvider";
import * as hubs from "../../resources/hubProvider";
import type { TemplateInputs } from "../../resources/clusterTemplateProvider";
import type { HostClassInputs } from "../../resources/hostClassProvider";
import type { HubOutputs } from "../../resources/hubProvider";
import { adoptionProjectProblem, projectView, sameProject } from "../../resources/objectProject";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

const INNABOX_ADMIN = "admin-token-proj-5c1e9a";
let osac: Simulator;
let innabox: Simulator;
let osacConnection: Record<string, unknown>;
let innaboxConnection: Record<string, unknown>;

beforeAll(async () => {
  osac = await startSimulator({ api: "osac", seed: "catalog", hubs: "simulated", osac: { issuer: {}, projects: [{ tenant: "shared", name: "team-a" }] } });
  innabox = await startSimulator({ api: "innabox", seed: false, hubs: "simulated", auth: { clientTokens: [], adminTokens: [INNABOX_ADMIN] } });
  const token = await osac.issuer!.mintToken({ preferred_username: "unit-admin", groups: ["admins"] }, 3600);
  osacConnection = { address: osac.address, plaintext: true, token, api: "osac" };
  innaboxConnection = { address: innabox.address, plaintext: true, token: INNABOX_ADMIN, api: "innabox" };
});

afterAll(async () => {
  closeAllClients();
  await osac?.stop();
  await innabox?.stop();
});

const kubeconfig = unreachableHubKubeconfig("hub-token");
const template = (extra: Record<string, unknown> = {}) => ({ templateId: "proj_small", title: "Small", nodeSets: { workers: { hostType: "proj_hosts", size: 1 } }, ...extra });
const hostClass = (extra: Record<string, unknown> = {}) => ({ hostClassId: "proj_hosts", title: "Hosts", ...extra });
const hub = (extra: Record<string, unknown> = {}) => ({ hubId: "proj-hub", kubeconfig, namespace: "orders", ...extra });
const reasons = async (check: (olds: unknown, news: Record<string, unknown>) => Promise<{ failures?: Array<{ reason: string }> }>, news: Record<string, unknown>) =>
  (await check({}, news)).failures?.map((f) => f.reason) ?? [];
const storedProject = (kind: "templates" | "hostClasses" | "hubs", id: string) =>
  (osac.snapshot()[kind] as Array<{ id: string; metadata?: { project?: string } }>).find((o) => o.id === id)?.metadata?.project;

describe("the project rules", () => {
  it("left out and empty are the tenant's default project; a project is shown once the program names one", () => {
    expect(sameProject(undefined, "")).toBe(true);
    expect(sameProject("", undefined)).toBe(true);
    expect(sameProject("team-a", undefined)).toBe(false);
    expect(projectView(undefined, "team-a")).toBeUndefined();
    expect(projectView("", undefined)).toBe("");
    expect(projectView("team-a", "team-b")).toBe("team-b");
  });

  it("adoption names both projects and the fix", () => {
    expect(adoptionProjectProblem("hub", "h1", undefined, "team-a")).toBeUndefined();
    expect(adoptionProjectProblem("hub", "h1", "", undefined)).toBeUndefined();
    expect(adoptionProjectProblem("hub", "h1", "team-b", "team-a")).toBe(
      "cannot adopt hub 'h1': it is in project 'team-a', not 'team-b', and the project of an object cannot change; set project to 'team-a' (or leave it out), or create a new hub in 'team-b'",
    );
  });
});

describe("diff", () => {
  const cases = [
    { name: "ClusterTemplate", diff: templates.diff as (id: string, o: never, n: never) => Promise<{ changes?: boolean; replaces?: string[] }>, olds: template({ project: "team-a" }) },
    { name: "HostClass", diff: hostClasses.diff as never, olds: hostClass({ project: "team-a" }) },
    { name: "Hub", diff: hubs.diff as never, olds: { ...hub({ project: "team-a" }), creationTimestamp: "" } },
  ] as const;
  for (const { name, diff, olds } of cases) {
    it(`${name}: a new project replaces; left out and "" are no change`, async () => {
      const run = (o: object, n: object) => (diff as (id: string, o: object, n: object) => Promise<{ changes?: boolean; replaces?: string[] }>)("x", o, n);
      expect(await run(olds, { ...olds, project: "team-b" })).toMatchObject({ changes: true, replaces: ["project"] });
      expect(await run(olds, { ...olds, project: undefined })).toMatchObject({ changes: true, replaces: ["project"] });
      expect(await run(olds, { ...olds })).toMatchObject({ changes: false, replaces: [] });
      expect(await run({ ...olds, project: undefined }, { ...olds, project: "" })).toMatchObject({ changes: false, replaces: [] });
      expect(await run({ ...olds, project: "" }, { ...olds, project: undefined })).toMatchObject({ changes: false, replaces: [] });
    });
  }
});

describe("check", () => {
  it("innabox refuses project on each, naming the field and the generation", async () => {
    expect(await reasons(templates.check, template({ project: "team-a", connection: innaboxConnection }))).toEqual([
      "project: cluster templates of the innabox generation (fulfillment.v1) have no project; remove it, or use a server of the osac generation (osac.public.v1)",
    ]);
    expect(await reasons(hostClasses.check, hostClass({ project: "team-a", connection: innaboxConnection }))).toEqual([
      "project: host classes of the innabox generation (fulfillment.v1) have no project; remove it, or use a server of the osac generation (osac.public.v1)",
    ]);
    expect(await reasons(hubs.check, hub({ project: "team-a", connection: innaboxConnection }))).toEqual([
      "project: hubs of the innabox generation (private.v1) have no project; remove it, or use a server of the osac generation (osac.public.v1)",
    ]);
    // Without a project nothing asks the server, on either generation.
    expect(await reasons(hubs.check, hub({ connection: innaboxConnection }))).toEqual([]);
  });

  it("osac takes it", async () => {
    expect(await reasons(templates.check, template({ project: "team-a", connection: osacConnection }))).toEqual([]);
    expect(await reasons(hostClasses.check, hostClass({ project: "team-a", connection: osacConnection }))).toEqual([]);
    expect(await reasons(hubs.check, hub({ project: "team-a", connection: osacConnection }))).toEqual([]);
  });
});

describe("on the osac simulator", () => {
  it("creates each in a project, reads it back, and keeps it through an update", async () => {
    const h = await hostClasses.create(hostClass({ project: "team-a", connection: osacConnection }));
    expect(h.outs).toMatchObject({ hostClassId: "proj_hosts", project: "team-a" });
    expect(storedProject("hostClasses", "proj_hosts")).toBe("team-a");
    const t = await templates.create(template({ project: "team-a", connection: osacConnection }));
    expect(t.outs).toMatchObject({ project: "team-a" });
    expect(storedProject("templates", "proj_small")).toBe("team-a");
    const created = await hubs.create(hub({ project: "team-a", connection: osacConnection }));
    expect(created.outs).toMatchObject({ project: "team-a" });
    expect(storedProject("hubs", "proj-hub")).toBe("team-a");

    const read = await hubs.read("proj-hub", created.outs as HubOutputs);
    expect(read.props).toMatchObject({ project: "team-a" });
    // An update in place leaves the project as it is (it is in no update mask).
    const updated = await hubs.update("proj-hub", created.outs as HubOutputs, { ...hub({ project: "team-a", connection: osacConnection }), namespace: "orders-2" });
    expect(updated.outs).toMatchObject({ namespace: "orders-2", project: "team-a" });
    expect(storedProject("hubs", "proj-hub")).toBe("team-a");
    const retitled = await templates.update("proj_small", t.outs as TemplateInputs, { ...(t.outs as object), title: "Small 2" });
    expect(retitled.outs).toMatchObject({ title: "Small 2", project: "team-a" });

    // Left out, the project is not shown; refresh of one the program names shows the stored one.
    expect((await hostClasses.read("proj_hosts", { ...(h.outs as HostClassInputs), project: undefined })).props).not.toHaveProperty("project");
    expect((await hostClasses.read("proj_hosts", { ...(h.outs as HostClassInputs), project: "" })).props).toMatchObject({ project: "team-a" });
  });

  it("adoption compares the project", async () => {
    await expect(hostClasses.create(hostClass({ adoptId: "proj_hosts", connection: osacConnection }))).resolves.toMatchObject({ id: "proj_hosts" });
    await expect(hostClasses.create(hostClass({ adoptId: "proj_hosts", project: "team-a", connection: osacConnection }))).resolves.toMatchObject({ id: "proj_hosts" });
    await expect(hostClasses.create(hostClass({ adoptId: "proj_hosts", project: "", connection: osacConnection }))).rejects.toThrow(
      "cannot adopt host class 'proj_hosts': it is in project 'team-a', not '', and the project of an object cannot change",
    );
    await expect(hubs.create(hub({ adoptId: "proj-hub", project: "team-b", connection: osacConnection }))).rejects.toThrow(
      "cannot adopt hub 'proj-hub': it is in project 'team-a', not 'team-b'",
    );
  });

  it("a project that does not exist: the server's words and the fix, and nothing is created", async () => {
    // One at a time: a create started early could fail before anything awaits it (an unhandled rejection).
    for (const attempt of [
      () => templates.create(template({ templateId: "proj_nowhere", project: "teama", connection: osacConnection })),
      () => hostClasses.create(hostClass({ hostClassId: "proj_nowhere", project: "teama", connection: osacConnection })),
      () => hubs.create(hub({ hubId: "proj-nowhere", project: "teama", connection: osacConnection })),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain("project 'teama' doesn't exist");
      expect(error?.message).toContain("create it first (a tenant admin's Projects/Create");
      expect(error?.message).toContain("leave project empty for the tenant's default project");
    }
    const snapshot = osac.snapshot();
    expect([...snapshot.templates, ...snapshot.hostClasses, ...snapshot.hubs].map((o) => (o as { id: string }).id).filter((id) => id.includes("nowhere"))).toEqual([]);
  });
});
