// The clock, projection and kubeconfig rules of components/kube, without an API server.
import { describe, expect, it } from "vitest";
import { project } from "../../components/kube/objectProvider";
import { renewalReason, tokenInputsSchema } from "../../components/kube/tokenProvider";
import { loadKubeconfig, minimalKubeconfig } from "../../kube/client";
import { kubeconfigYaml } from "../helpers/localKube";

describe("token renewal rule", () => {
  const issuedAt = "2026-01-01T00:00:00.000Z";
  const expiry = "2026-01-02T00:00:00.000Z"; // 24 h
  const token = { token: "t", issuedAt, expiry, lifetime: "24h", renewBefore: 0.25 };
  const at = (iso: string) => Date.parse(iso);

  it("is not due while more than renewBefore of the life is left", () => {
    expect(renewalReason(token, at("2026-01-01T17:59:00Z"))).toBeUndefined();
  });
  it("is due once less than renewBefore is left, and when expired", () => {
    expect(renewalReason(token, at("2026-01-01T18:00:01Z"))).toMatch(/less than 25%/);
    expect(renewalReason(token, at("2026-01-02T00:00:00Z"))).toMatch(/expired/);
  });
  it("takes a new renewBefore into account", () => {
    expect(renewalReason(token, at("2026-01-01T01:00:00Z"), 0.99)).toMatch(/less than 99%/);
    expect(renewalReason(token, at("2026-01-01T01:00:00Z"), 0.5)).toBeUndefined();
  });
  it("validates lifetime and renewBefore with messages that say what to write", () => {
    const base = { kubeconfig: "x", namespace: "n", serviceAccountName: "s" };
    expect(tokenInputsSchema.safeParse({ ...base, lifetime: "5m" }).error?.issues[0].message).toMatch(/at least 10m/);
    expect(tokenInputsSchema.safeParse({ ...base, lifetime: "soon" }).error?.issues[0].message).toMatch(/not a duration/);
    expect(tokenInputsSchema.safeParse({ ...base, renewBefore: 1.5 }).error?.issues[0].message).toMatch(/at most 1/);
    expect(tokenInputsSchema.parse(base)).toMatchObject({ lifetime: "24h", renewBefore: 0.25 });
  });
});

describe("projection of live objects onto the program's fields", () => {
  it("ignores server defaults but keeps changes of what the program sets", () => {
    const desired = { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] };
    const live = { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: [] }], extra: 1 };
    expect(project(live, desired)).toEqual(desired);
    const changed = { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] };
    expect(project(changed, desired)).toEqual(changed);
    expect(project({ rules: [] }, desired)).toEqual({ rules: [] });
  });
});

describe("minimal kubeconfig", () => {
  it("holds server, CA data and token only, quoted, and parses back", () => {
    const text = minimalKubeconfig({
      name: "hub-1",
      server: "https://127.0.0.1:6443",
      caData: Buffer.from("-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n").toString("base64"),
      token: "tok: with # odd chars",
      user: "fulfillment-hub",
      namespace: "cloudkit-orders",
    });
    expect(text).not.toMatch(/client-certificate|client-key|exec/);
    const ctx = loadKubeconfig(text);
    expect(ctx.server).toBe("https://127.0.0.1:6443");
    expect(ctx.config.getCurrentUser()?.token).toBe("tok: with # odd chars");
    expect(ctx.config.getContextObject("hub-1")?.namespace).toBe("cloudkit-orders");
  });

  it("refuses content that is not a kubeconfig, without echoing it", () => {
    expect(() => loadKubeconfig("")).toThrow(/empty/);
    expect(() => loadKubeconfig("/home/me/.kube/config")).toThrow(/not a path|current context/);
    const secret = kubeconfigYaml({ server: "", token: "very-secret-token-value" });
    let message = "";
    try {
      loadKubeconfig(secret);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/server is missing|server URL/);
    expect(message).not.toContain("very-secret-token-value");
  });
});
