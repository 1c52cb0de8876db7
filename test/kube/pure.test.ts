// The clock and kubeconfig rules of components/kube, without an API server.
import { describe, expect, it } from "vitest";
import { managedByPulumiKubernetes } from "../../components/kube/objectProvider";
import { renewalReason, tokenInputsSchema, tokenProvider, type TokenInputs, type TokenOutputs } from "../../components/kube/tokenProvider";
import type { Clock } from "../../timing/clock";
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

describe("token renewal on an injected clock", () => {
  const olds: TokenOutputs = {
    kubeconfig: "k",
    namespace: "n",
    serviceAccountName: "s",
    lifetime: "24h",
    renewBefore: 0.25,
    token: "t",
    issuedAt: "2026-01-01T00:00:00.000Z",
    expiry: "2026-01-02T00:00:00.000Z",
    renewalDue: false,
  };
  const news: TokenInputs = { kubeconfig: "k", namespace: "n", serviceAccountName: "s", lifetime: "24h", renewBefore: 0.25 };
  const clockAt = (iso: string): Clock => ({ now: () => Date.parse(iso), sleep: async () => {} });

  it("diff proposes an update once the clock passes the renewal point, with nothing else changed", async () => {
    expect((await tokenProvider(clockAt("2026-01-01T17:00:00Z")).diff("n/s", olds, news)).changes).toBe(false);
    expect((await tokenProvider(clockAt("2026-01-01T19:00:00Z")).diff("n/s", olds, news)).changes).toBe(true);
  });

  it("update keeps a token that is not due (no request to the API server)", async () => {
    const { outs } = await tokenProvider(clockAt("2026-01-01T17:00:00Z")).update!("n/s", olds, { ...news, renewBefore: 0.2 });
    expect(outs).toMatchObject({ token: "t", renewBefore: 0.2, renewalDue: false });
  });
});

describe("the retired 0.1 object provider", () => {
  it("leaves an object once the @pulumi/kubernetes provider applies it, and only then", () => {
    const managed = (...managers: string[]) => ({ metadata: { managedFields: managers.map((manager) => ({ manager, operation: "Apply" })) } });
    expect(managedByPulumiKubernetes(managed("pulumi-fulfillment", "pulumi-kubernetes-9f2c01ab"))).toBe(true);
    expect(managedByPulumiKubernetes(managed("pulumi-fulfillment"))).toBe(false);
    expect(managedByPulumiKubernetes({ metadata: {} })).toBe(false);
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
