// metadata.v1.Metadata/Get, as internal/servers/metadata_server.go: the request is
// ignored, `authn` is always set and holds the trusted token issuers (sorted and
// de-duplicated, empty by default), and nothing else. Open to everyone (auth.ts).
import { create } from "@bufbuild/protobuf";
import { MetadataGetResponseSchema } from "../../proto/gen/metadata/v1/metadata_service_pb";
import type { Handlers } from "./crud";

/** Sorted byte-wise (Go's sort.Strings) without duplicates or empty entries. */
export function normalizeIssuers(issuers: readonly string[]): string[] {
  return [...new Set(issuers.filter((issuer) => issuer !== ""))].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export function metadataHandlers(trustedTokenIssuers: readonly string[] = []): Handlers {
  const issuers = normalizeIssuers(trustedTokenIssuers);
  return {
    Get: () => create(MetadataGetResponseSchema, { authn: { trustedTokenIssuers: [...issuers] } }),
  };
}
