// The operation context: which setting a timed-out wait names when the host passed the
// engine's customTimeouts, and when it did not.
import { describe, expect, it } from "vitest";
import { runInOperation, timeoutSettingWords } from "../../toolkit/operation";

const own = () => "timeouts.create (now 60m, the default)";

describe("timeoutSettingWords", () => {
  it("names the resource's own setting outside an engine operation (the dynamic host)", () => {
    expect(timeoutSettingWords("create", own)).toBe("timeouts.create (now 60m, the default)");
  });

  it("names the customTimeouts key of the engine's operation, whatever wait ran under it", async () => {
    // An update that resumes a create's wait for READY runs under customTimeouts.update.
    const words = await runInOperation({ timeoutMs: 90_000, kind: "update" }, async () => timeoutSettingWords("create", own));
    expect(words).toBe("the customTimeouts.update resource option (now 1m30s)");
    expect(await runInOperation({ timeoutMs: 2_000, kind: "delete" }, async () => timeoutSettingWords("delete", own))).toBe(
      "the customTimeouts.delete resource option (now 2s)",
    );
  });

  it("keeps the resource's own setting when the engine gave no timeout for the operation", async () => {
    expect(await runInOperation({ kind: "create" }, async () => timeoutSettingWords("create", own))).toBe("timeouts.create (now 60m, the default)");
  });
});
