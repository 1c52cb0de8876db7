// CIDR canonicalisation as the osac server does it with Go's netip.ParsePrefix(...).Masked():
// `10.0.0.1/8` is stored as `10.0.0.0/8`, and a bad value fails with Go's error text,
// e.g. `invalid pod_cidr "10.0.0.0/33": netip.ParsePrefix("10.0.0.0/33"): prefix length out of range`.
// Shared by the Cluster resource (so a spelling the server canonicalizes is no diff) and the
// osac simulator (which answers INVALID_ARGUMENT with the same text).

export class CidrError extends Error {
  override readonly name = "CidrError";
}

/** Go's strconv.Quote for the printable ASCII values CIDRs are made of. */
const quote = (text: string): string => JSON.stringify(text);

export function canonicalCidr(value: string, field: string): string {
  const fail = (message: string): never => {
    throw new CidrError(`invalid ${field} ${quote(value)}: netip.ParsePrefix(${quote(value)}): ${message}`);
  };
  const slash = value.lastIndexOf("/");
  if (slash < 0) fail("no '/'");
  const addressText = value.slice(0, slash);
  const address = parseAddr(addressText);
  if (typeof address === "string") return fail(`ParseAddr(${quote(addressText)}): ${address}`);
  if (address.zone) fail("IPv6 zones cannot be present in a prefix");
  const bitsText = value.slice(slash + 1);
  if ((bitsText.length > 1 && (bitsText[0] < "1" || bitsText[0] > "9")) || !/^[+-]?\d+$/.test(bitsText)) {
    fail(`bad bits after slash: ${quote(bitsText)}`);
  }
  const bits = Number(bitsText);
  const max = address.bytes.length * 8;
  if (bits < 0 || bits > max) fail("prefix length out of range");
  const masked = address.bytes.map((byte, index) => {
    const keep = Math.max(0, Math.min(8, bits - index * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return `${format(masked)}/${bits}`;
}

interface Addr {
  bytes: number[];
  zone?: string;
}

/** A subset of Go's netip.ParseAddr; returns the error text on failure. */
function parseAddr(text: string): Addr | string {
  if (text.includes(":")) return parseIPv6(text);
  if (text.includes(".")) return parseIPv4(text);
  return "unable to parse IP";
}

function parseIPv4(text: string): Addr | string {
  const fields = text.split(".");
  const bytes: number[] = [];
  for (const field of fields) {
    if (bytes.length === 4) return "IPv4 address too long";
    if (field === "") return "IPv4 field must have at least one digit";
    if (!/^\d+$/.test(field)) return "unexpected character";
    if (field.length > 1 && field[0] === "0") return "IPv4 field has octet with leading zero";
    const value = Number(field);
    if (value > 255) return "IPv4 field has value >255";
    bytes.push(value);
  }
  if (bytes.length < 4) return "IPv4 address too short";
  return { bytes };
}

function parseIPv6(input: string): Addr | string {
  let text = input;
  let zone: string | undefined;
  const percent = text.indexOf("%");
  if (percent >= 0) {
    zone = text.slice(percent + 1);
    text = text.slice(0, percent);
    if (zone === "") return "zone must be a non-empty string";
  }
  const halves = text.split("::");
  if (halves.length > 2) return "multiple :: in address";
  const groups = (part: string): number[] | string => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIPv4(piece);
        if (typeof v4 === "string") return v4;
        out.push((v4.bytes[0] << 8) | v4.bytes[1], (v4.bytes[2] << 8) | v4.bytes[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return piece.length > 4 ? "IPv6 field has value >=2^16" : "each colon-separated field must have at least one digit";
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const left = groups(halves[0]);
  if (typeof left === "string") return left;
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (typeof right === "string") return right;
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return total > 8 ? "too many colons" : "address string too short";
  const all = [...left, ...new Array(8 - total).fill(0), ...right];
  return { bytes: all.flatMap((group) => [group >> 8, group & 0xff]), zone };
}

function format(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  // RFC 5952: compress the longest run (of at least two) of zero groups, the first one on a tie.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}
