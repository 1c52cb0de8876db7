import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ConfigurationError, FulfillmentError, grpcCode, isAlreadyExists, isNotFound, toFulfillmentError, type ErrorContext } from "../../client/errors";

const serviceError = (code: number, details: string) => Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: {} });

const context = (overrides: Partial<ErrorContext> = {}): ErrorContext => ({
  method: "fulfillment.v1.Clusters/Get",
  address: "api.example.com:443",
  plaintext: false,
  insecure: false,
  deadlineMs: 30_000,
  sources: {
    address: "stack config fulfillment:address",
    token: "environment variable FULFILLMENT_TOKEN",
    plaintext: "default (false)",
    deadlineMs: "default (30s)",
  },
  hasToken: true,
  tokenScript: false,
  secrets: ["tok-SECRET-123"],
  ...overrides,
});

const map = (code: number, details: string, overrides: Partial<ErrorContext> = {}) =>
  toFulfillmentError(serviceError(code, details), context(overrides)) as FulfillmentError;

describe("FulfillmentError", () => {
  it("names method, object, status and the server's words", () => {
    const error = map(status.NOT_FOUND, "object with identifier 'abc' not found", { objectId: "abc" });
    expect(error).toBeInstanceOf(FulfillmentError);
    expect(error.message).toBe("fulfillment.v1.Clusters/Get of 'abc' failed with NOT_FOUND: object with identifier 'abc' not found");
    expect(error).toMatchObject({ code: 5, codeName: "NOT_FOUND", method: "fulfillment.v1.Clusters/Get", objectId: "abc", serverMessage: "object with identifier 'abc' not found" });
    expect(error.hint).toBeUndefined();
    expect(isNotFound(error)).toBe(true);
    expect(isAlreadyExists(error)).toBe(false);
    expect(grpcCode(error)).toBe(5);
  });

  it("omits the object when there is none", () => {
    expect(map(status.INVALID_ARGUMENT, "object is mandatory").message).toBe("fulfillment.v1.Clusters/Get failed with INVALID_ARGUMENT: object is mandatory");
  });

  it("recognises raw grpc-js errors too, and nothing else", () => {
    expect(isAlreadyExists(serviceError(status.ALREADY_EXISTS, "x"))).toBe(true);
    expect(isNotFound(serviceError(status.NOT_FOUND, "x"))).toBe(true);
    expect(grpcCode(new Error("x"))).toBeUndefined();
    expect(grpcCode({ code: "ENOENT" })).toBeUndefined();
    // a FulfillmentError from another copy of this module (Pulumi may load it twice)
    expect(isNotFound({ code: 5, codeName: "NOT_FOUND", method: "m", serverMessage: "x" })).toBe(true);
    expect(isNotFound(undefined)).toBe(false);
  });
});

describe("hints", () => {
  it("UNAUTHENTICATED without a token lists where to set one", () => {
    const error = map(status.UNAUTHENTICATED, "missing token", { hasToken: false });
    expect(error.hint).toContain("No token is configured");
    expect(error.hint).toContain("connection.token");
    expect(error.hint).toContain("fulfillment:token");
    expect(error.hint).toContain("FULFILLMENT_TOKEN");
    expect(error.hint).toContain("fulfillment-cli login");
  });

  it("UNAUTHENTICATED with a token names the setting that supplied it", () => {
    expect(map(status.UNAUTHENTICATED, "invalid token").hint).toBe(
      "The server rejected the token (from environment variable FULFILLMENT_TOKEN); replace it with a current one, or use tokenScript so it can be refreshed.",
    );
    const script = map(status.UNAUTHENTICATED, "invalid token", { tokenScript: true, sources: { tokenScript: "connection.tokenScript" } });
    expect(script.hint).toContain("printed by tokenScript (from connection.tokenScript), also after running the script again");
  });

  it("PERMISSION_DENIED on private.v1 and template writes asks for an admin token", () => {
    for (const method of ["private.v1.Hubs/Create", "fulfillment.v1.ClusterTemplates/Update", "fulfillment.v1.HostClasses/Delete"]) {
      const error = map(status.PERMISSION_DENIED, "not allowed", { method });
      expect(error.hint).toContain(`${method} needs an admin token`);
      expect(error.hint).toContain("(from environment variable FULFILLMENT_TOKEN)");
    }
    expect(map(status.PERMISSION_DENIED, "no", { method: "fulfillment.v1.Clusters/Create" }).hint).toBe(
      "The token (from environment variable FULFILLMENT_TOKEN) is not allowed to call fulfillment.v1.Clusters/Create; use a token whose subject may call it.",
    );
  });

  it("UNAVAILABLE from a TLS client to a plaintext server says to set plaintext: true", () => {
    const error = map(
      status.UNAVAILABLE,
      "No connection established. Last error: Error: 80DC28881F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n. Resolution note: ",
    );
    expect(error.serverMessage).toBe(
      "No connection established. Last error: Error: 80DC28881F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:",
    );
    expect(error.hint).toContain("speaks plaintext; set plaintext: true");
  });

  it("UNAVAILABLE from a plaintext client to a TLS server says to set plaintext: false", () => {
    const probed = map(status.UNAVAILABLE, "No connection established. Last error: Failed to connect (2026-01-01T00:00:00Z)", {
      plaintext: true,
      serverSpeaksTls: true,
      sources: { plaintext: "connection.plaintext", address: "connection.address" },
    });
    expect(probed.hint).toBe(
      "The server at api.example.com:443 (from connection.address) speaks TLS; set plaintext: false (it is true, set by connection.plaintext), with caFile/caPem or insecure: true if its certificate is not from a public CA.",
    );
    const guessed = map(status.UNAVAILABLE, "No connection established. Last error: Failed to connect", { plaintext: true });
    expect(guessed.hint).toContain("probably speaks TLS");
    const probedPlain = map(status.UNAVAILABLE, "No connection established. Last error: Failed to connect", { plaintext: true, serverSpeaksTls: false });
    expect(probedPlain.hint).toContain("Could not reach");
  });

  it("UNAVAILABLE with certificate problems points at caFile/caPem and insecure", () => {
    for (const detail of ["self-signed certificate", "unable to verify the first certificate", "Hostname/IP does not match certificate's altnames"]) {
      const error = map(status.UNAVAILABLE, `No connection established. Last error: Error: ${detail}.`);
      expect(error.hint).toContain("set caFile or caPem to the CA that signed it");
      expect(error.hint).toContain("insecure: true");
    }
  });

  it("UNAVAILABLE otherwise names the address and where it came from", () => {
    expect(map(status.UNAVAILABLE, "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1").hint).toBe(
      "Nothing is listening at api.example.com:443 (from stack config fulfillment:address); check the address and that the server is running.",
    );
    expect(map(status.UNAVAILABLE, "Name resolution failed for target dns:nope:1").hint).toContain("does not resolve");
    expect(map(status.UNAVAILABLE, "simulated outage").hint).toContain("Could not reach api.example.com:443");
  });

  it("DEADLINE_EXCEEDED mentions deadlineSeconds", () => {
    expect(map(status.DEADLINE_EXCEEDED, "Deadline exceeded after 0.2s", { deadlineMs: 200 }).hint).toContain(
      "No answer within 0.2s from api.example.com:443; raise deadlineSeconds",
    );
  });

  it("INTERNAL 'failed to list' explains the filter quirk", () => {
    expect(map(status.INTERNAL, "failed to list", { method: "fulfillment.v1.Clusters/List" }).hint).toContain("filters over enum fields");
    expect(map(status.INTERNAL, "boom").hint).toBeUndefined();
  });
});

describe("redaction", () => {
  it("never lets a known secret or a bearer header through", () => {
    const error = map(status.INTERNAL, "echo: authorization=Bearer tok-SECRET-123 and tok-SECRET-123 again");
    expect(error.message).not.toContain("tok-SECRET-123");
    expect(error.stack).not.toContain("tok-SECRET-123");
    expect(error.message).toContain("[REDACTED]");
  });

  it("scrubs non-gRPC errors too", () => {
    const mapped = toFulfillmentError(new Error("script said tok-SECRET-123"), context());
    expect(mapped.message).toBe("script said [REDACTED]");
    expect(mapped.stack).not.toContain("tok-SECRET-123");
    const untouched = new Error("plain");
    expect(toFulfillmentError(untouched, context())).toBe(untouched);
  });
});

describe("ConfigurationError", () => {
  it("prints one problem bare and several as a list", () => {
    expect(new ConfigurationError(["a: fix"]).message).toBe("a: fix");
    expect(new ConfigurationError(["a: fix", "b: fix"]).message).toBe("invalid fulfillment connection settings:\n  - a: fix\n  - b: fix");
  });
});
