// The plugin's component inputs are checked before any resource is declared: errors name the
// component, the field and the fix, and never carry the value.
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { constructComponent } from "../../plugin/components";

const ADMIN = "apiVersion: v1\nusers: [{name: a, user: {token: admin-secret-token-5c1e}}]\n";

describe("plugin components: inputs at the edge", () => {
  it("names missing and wrong fields of HubBootstrap, without the kubeconfig", () => {
    const attempt = () => constructComponent("fulfillment:index:HubBootstrap", "east", { adminKubeconfig: ADMIN, token: { kind: "forever" }, generation: "v2", nameSpace: "x" }, {});
    expect(attempt).toThrow(/^HubBootstrap east: /);
    expect(attempt).toThrow(/hubId: is required/);
    expect(attempt).toThrow(/token.kind: must be "request" or "secret"/);
    expect(attempt).toThrow(/generation: must be "osac" or "innabox"/);
    expect(attempt).toThrow(/Unrecognized key: "nameSpace"/);
    expect(attempt).not.toThrow(/admin-secret-token/);
  });

  it("refuses an output where the component needs a plain value to decide what it makes", () => {
    const attempt = () => constructComponent("fulfillment:index:HubBootstrap", "east", { adminKubeconfig: ADMIN, hubId: "h", namespace: pulumi.secret("orders") }, {});
    expect(attempt).toThrow(/HubBootstrap east: namespace: must be a plain value known when the program runs/);
  });

  it("names ClusterOrderCrd's fields and unknown component types", () => {
    expect(() => constructComponent("fulfillment:index:ClusterOrderCrd", "orders", { ifExists: "replace" }, {})).toThrow(
      /ClusterOrderCrd orders: .*kubeconfig: is required.*ifExists: must be "adopt", "skip" or "fail"/,
    );
    expect(() => constructComponent("fulfillment:index:Nope", "x", {}, {})).toThrow(/unknown component type fulfillment:index:Nope; this provider constructs fulfillment:index:HubBootstrap, fulfillment:index:ClusterOrderCrd/);
  });
});
