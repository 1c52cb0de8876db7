// What users and serialized providers require from the installed package: the entry
// points of the exports map, and the module paths that states of every release hold.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requireBuilt } from "../kube/kubeTestUtils";

const root = path.resolve(__dirname, "../..");

/** Requires `specifier` as a program outside the package would, and lists what it exports. */
function exportsOf(specifier: string): string[] {
  const out = execFileSync(process.execPath, ["-e", `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

describe("package exports", () => {
  requireBuilt(["lib", "automation/index", "simulator/index", "resources/clusterProvider"]);

  it("serves the resources, the automation wrapper and the simulator by name", () => {
    expect(exportsOf("pulumi-fulfillment")).toEqual(expect.arrayContaining(["Cluster", "ClusterTemplate", "Hub", "HubBootstrap"]));
    expect(exportsOf("pulumi-fulfillment/automation")).toEqual(expect.arrayContaining(["FulfillmentStack", "withEphemeralCluster"]));
    expect(exportsOf("pulumi-fulfillment/simulator")).toContain("startSimulator");
  });

  it("keeps the provider paths that states written by 0.1 require", () => {
    for (const name of ["clusterProvider", "clusterTemplateProvider", "hubProvider", "hostClassProvider"]) {
      const current = exportsOf(`pulumi-fulfillment/dist/resources/${name}`);
      expect(current).toEqual(expect.arrayContaining(["create", "read", "delete"]));
      expect(exportsOf(`pulumi-fulfillment/dist/provider/resources/${name}`)).toEqual(current);
    }
    expect(exportsOf("pulumi-fulfillment/dist/provider/resources/stackConfig")).toContain("rememberStackConfig");
    // The hub's Kubernetes side: the token and kubeconfig providers, and the retired object provider 0.1 states load.
    for (const name of ["objectProvider", "tokenProvider", "kubeconfigProvider"]) {
      expect(exportsOf(`pulumi-fulfillment/dist/components/kube/${name}`)).toEqual(expect.arrayContaining(["check", "diff", "create", "read", "update", "delete"]));
    }
  });

  it("refuses a module outside the map", () => {
    expect(() => exportsOf("pulumi-fulfillment/lib")).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
  });
});
