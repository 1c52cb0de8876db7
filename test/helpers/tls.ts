// Test certificates made with the openssl CLI, so TLS tests exercise real X.509 chains
// (a CA, a server certificate it signs for 127.0.0.1/localhost, and an unrelated
// self-signed certificate) without committing key material to the repository.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface TestCertificates {
  /** Temp directory holding every file below; removed by `cleanup()`. */
  dir: string;
  caPem: string;
  caFile: string;
  /** Server certificate signed by the CA, SANs DNS:localhost, IP:127.0.0.1, IP:::1. */
  certPem: string;
  certFile: string;
  keyPem: string;
  keyFile: string;
  /** A self-signed certificate no CA vouches for (CN/SAN `untrusted.invalid`), for `insecure: true` tests. */
  selfSigned: { certPem: string; keyPem: string; certFile: string; keyFile: string };
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${stderr || String(error)}`);
  }
}

// EC P-256 keys: generation is instant, unlike RSA, which matters on a 2-core box.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function generateTestCertificates(options: { days?: number } = {}): TestCertificates {
  const days = String(options.days ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fulfillment-tls-"));
  const file = (name: string) => path.join(dir, name);

  openssl(
    ["req", "-x509", ...EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days", days,
      "-subj", "/CN=pulumi-fulfillment test CA",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    dir,
  );
  openssl(["req", "-new", ...EC_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  fs.writeFileSync(
    file("server.ext"),
    [
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
      "-out", "server.pem", "-days", days, "-extfile", "server.ext"],
    dir,
  );
  openssl(
    ["req", "-x509", ...EC_KEY, "-keyout", "self.key", "-out", "self.pem", "-days", days,
      "-subj", "/CN=untrusted.invalid", "-addext", "subjectAltName=DNS:untrusted.invalid"],
    dir,
  );

  const read = (name: string) => fs.readFileSync(file(name), "utf8");
  return {
    dir,
    caPem: read("ca.pem"),
    caFile: file("ca.pem"),
    certPem: read("server.pem"),
    certFile: file("server.pem"),
    keyPem: read("server.key"),
    keyFile: file("server.key"),
    selfSigned: { certPem: read("self.pem"), keyPem: read("self.key"), certFile: file("self.pem"), keyFile: file("self.key") },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
