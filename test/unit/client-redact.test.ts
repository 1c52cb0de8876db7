import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../client/redact";

const JWT =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YTpiIiwiZXhwIjo5OTk5OTk5OTk5fQ.c2lnbmF0dXJlLWJ5dGVz";

describe("redactSecrets", () => {
  it("removes every occurrence of the given secrets, longest first", () => {
    expect(redactSecrets("token abc123xyz and abc123xyz-more", ["abc123xyz", "abc123xyz-more"])).toBe("token [REDACTED] and [REDACTED]");
  });

  it("ignores empty secrets and escapes regex characters", () => {
    expect(redactSecrets("a+b*c? stays; p4$$(w0rd) goes", ["", undefined, "p4$$(w0rd)"])).toBe("a+b*c? stays; [REDACTED] goes");
  });

  it("also removes the base64 form and long lines of multi-line secrets", () => {
    const kubeconfig = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://api.example.com:6443\nusers: []\n";
    const b64 = Buffer.from(kubeconfig.trim()).toString("base64");
    expect(redactSecrets(`hub kubeconfig ${b64}`, [kubeconfig])).toBe("hub kubeconfig [REDACTED]");
    expect(redactSecrets("failed near server: https://api.example.com:6443", [kubeconfig])).toBe("failed near [REDACTED]");
  });

  it("scrubs bearer tokens, JWTs and credential lines it was not told about", () => {
    expect(redactSecrets("authorization: Bearer abc.def-ghi_jkl=", [])).toBe("authorization: Bearer [REDACTED]");
    expect(redactSecrets(`got ${JWT} from script`, [])).toBe("got [REDACTED] from script");
    const kube = ["users:", "- name: admin", "  user:", "    token: sha256~abcdef", "    client-key-data: LS0tLS1", "    password: hunter2", "  as: x"].join("\n");
    expect(redactSecrets(kube, [])).toBe(
      ["users:", "- name: admin", "  user:", "    token: [REDACTED]", "    client-key-data: [REDACTED]", "    password: [REDACTED]", "  as: x"].join("\n"),
    );
    expect(redactSecrets('{"address":"a:1","token":"abc","access_token":"def"}', [])).toBe('{"address":"a:1","token":"[REDACTED]","access_token":"[REDACTED]"}');
  });

  it("scrubs inline credential assignments but not prose about settings", () => {
    expect(redactSecrets("login failed: password=hunter2hunter2, token: abcdefgh1234", [])).toBe("login failed: password=[REDACTED], token: [REDACTED]");
    const prose = "connection.token: give the token alone; set FULFILLMENT_TOKEN: or tokenScript: echo";
    expect(redactSecrets(prose, [])).toBe(prose);
  });

  it("leaves ordinary server messages alone", () => {
    const text = "password for cluster with identifier 'c1' isn't available yet; kubeconfig for cluster with identifier 'c1' isn't yet available";
    expect(redactSecrets(text, [])).toBe(text);
  });
});
