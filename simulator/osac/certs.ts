// A throw-away certificate authority and a server certificate it signs, made with
// node:crypto alone (no openssl CLI at run time): the built-in token issuer must be
// served over https, as the real server only trusts https issuers. EC P-256 keys, a
// minimal DER encoder for the few X.509 structures needed, ECDSA-SHA256 signatures.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIP } from "node:net";

export interface IssuedCertificates {
  /** PEM of the CA that signed `certPem`: what clients of the issuer must trust. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

// --- DER -----------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (content: Buffer): Buffer => tlv(0x04, content);
const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(bytes: Buffer): Buffer {
  let content = bytes;
  while (content.length > 1 && content[0] === 0 && (content[1] & 0x80) === 0) content = content.subarray(1);
  if (content[0] & 0x80) content = Buffer.concat([Buffer.from([0]), content]);
  return tlv(0x02, content);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const pad = (n: number) => String(n).padStart(2, "0");
  const text =
    pad(date.getUTCFullYear() % 100) + pad(date.getUTCMonth() + 1) + pad(date.getUTCDate()) +
    pad(date.getUTCHours()) + pad(date.getUTCMinutes()) + pad(date.getUTCSeconds()) + "Z";
  return tlv(0x17, Buffer.from(text, "ascii"));
}

const name = (commonName: string): Buffer => sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical ? sequence(oid(id), TRUE, octets(value)) : sequence(oid(id), octets(value));
const ECDSA_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));

/** keyUsage bits, numbered as in RFC 5280 (0 = digitalSignature). */
function keyUsage(bits: number[]): Buffer {
  let value = 0;
  for (const bit of bits) value |= 0x80 >> bit;
  const unused = Math.min(...bits.map((bit) => 7 - bit));
  return tlv(0x03, Buffer.from([unused, value]));
}

function subjectAltNames(hosts: string[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      const version = isIP(host);
      if (version === 4) return tlv(0x87, Buffer.from(host.split(".").map(Number)));
      if (version === 6) return tlv(0x87, ipv6Bytes(host));
      return tlv(0x82, Buffer.from(host, "ascii"));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split("::");
  const groups = (text: string | undefined) => (text ? text.split(":").map((group) => parseInt(group, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return Buffer.from(all.flatMap((group) => [group >> 8, group & 0xff]));
}

// --- certificates ---------------------------------------------------------------------

interface CertificateSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  /** Public key of the signer, for the authority key identifier. */
  issuerPublicKey: KeyObject;
  days: number;
  extensions: Buffer[];
}

function keyIdentifier(publicKey: KeyObject): Buffer {
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey bits (the SPKI's BIT STRING content).
  const spki = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha1").update(spki.subarray(spki.length - 65)).digest();
}

function certificate(spec: CertificateSpec): Buffer {
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ECDSA_SHA256,
    name(spec.issuer),
    sequence(time(new Date(now - 60_000)), time(new Date(now + spec.days * 86_400_000))),
    name(spec.subject),
    spec.publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        ...spec.extensions,
        extension("2.5.29.14", false, octets(keyIdentifier(spec.publicKey))),
        extension("2.5.29.35", false, sequence(tlv(0x80, keyIdentifier(spec.issuerPublicKey)))),
      ),
    ),
  );
  const signature = sign("sha256", tbs, spec.signingKey);
  return sequence(tbs, ECDSA_SHA256, bitString(signature));
}

function pem(der: Buffer): string {
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
}

/** A fresh CA and a server certificate for `hosts` (DNS names or IP addresses), valid `days` days. */
export function issueCertificates(hosts: string[], days = 30): IssuedCertificates {
  const ca = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const server = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const caName = `fulfillment simulator token issuer CA ${randomBytes(4).toString("hex")}`;
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    days,
    extensions: [
      extension("2.5.29.19", true, sequence(TRUE)),
      extension("2.5.29.15", true, keyUsage([5, 6])),
    ],
  });
  const serverCert = certificate({
    subject: hosts[0] ?? "localhost",
    issuer: caName,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    days,
    extensions: [
      extension("2.5.29.19", false, sequence()),
      extension("2.5.29.15", true, keyUsage([0])),
      extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))),
      extension("2.5.29.17", false, subjectAltNames(hosts)),
    ],
  });
  return {
    caPem: pem(caCert),
    certPem: pem(serverCert),
    keyPem: server.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
