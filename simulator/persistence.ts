// The state file: readable JSON (protobuf JSON of the private objects) so a person can
// inspect or hand-edit it. An object whose Any values name a type we cannot resolve is
// stored as base64 wire bytes instead, so nothing a client sent is ever lost.
import * as fs from "node:fs";
import * as path from "node:path";
import { fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { kindSchemas, type ClusterRuntime, type Collections, type Kind, type KindSchemas } from "./kinds";
import { jsonRegistry } from "./views";

const STATE_VERSION = 1;

type Encoded = { json: JsonValue } | { binary: string };

interface StateFile {
  version: number;
  clusters: Encoded[];
  templates: Encoded[];
  hostClasses: Encoded[];
  hubs: Encoded[];
  /** osac only; absent from files written before catalog items. */
  catalogItems?: Encoded[];
  /** osac only; absent from files written before cluster versions were kept. */
  clusterVersions?: Encoded[];
  /** State kept outside the object kinds (osac: the projects), by section name. */
  extra?: Record<string, unknown>;
  runtime: Record<string, ClusterRuntime>;
}

export type LoadedState = Collections & { runtime: Map<string, ClusterRuntime>; extra?: Record<string, unknown> };

const kinds: Kind[] = ["clusters", "templates", "hostClasses", "hubs", "catalogItems", "clusterVersions"];

function encode<D extends DescMessage>(schema: D, message: MessageShape<D>): Encoded {
  try {
    return { json: toJson(schema, message, { registry: jsonRegistry }) };
  } catch {
    return { binary: Buffer.from(toBinary(schema, message)).toString("base64") };
  }
}

function decode<D extends DescMessage>(schema: D, encoded: Encoded): MessageShape<D> {
  if ("binary" in encoded) return fromBinary(schema, Buffer.from(encoded.binary, "base64"));
  return fromJson(schema, encoded.json, { registry: jsonRegistry });
}

export function readState(file: string, schemas: KindSchemas = kindSchemas): LoadedState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as StateFile;
  if (parsed.version !== STATE_VERSION) {
    throw new Error(`state file ${file} has version ${String(parsed.version)}, expected ${STATE_VERSION}`);
  }
  const state: LoadedState = {
    clusters: new Map(),
    templates: new Map(),
    hostClasses: new Map(),
    hubs: new Map(),
    catalogItems: new Map(),
    clusterVersions: new Map(),
    runtime: new Map(Object.entries(parsed.runtime ?? {})),
    ...(parsed.extra ? { extra: parsed.extra } : {}),
  };
  for (const kind of kinds) {
    const target = state[kind] as Map<string, { id: string }>;
    for (const item of parsed[kind] ?? []) {
      const message = decode(schemas[kind], item) as unknown as { id: string };
      target.set(message.id, message);
    }
  }
  return state;
}

/** Writes a temporary file beside the target and renames it over, so a crash never leaves half a file. */
export function writeState(file: string, state: LoadedState, schemas: KindSchemas = kindSchemas): void {
  const out: StateFile = {
    version: STATE_VERSION,
    clusters: [],
    templates: [],
    hostClasses: [],
    hubs: [],
    catalogItems: [],
    clusterVersions: [],
    runtime: Object.fromEntries(state.runtime),
    ...(state.extra ? { extra: state.extra } : {}),
  };
  for (const kind of kinds) {
    const schema = schemas[kind];
    for (const item of (state[kind] as Map<string, MessageShape<DescMessage>>).values()) {
      (out[kind] ??= []).push(encode(schema, item));
    }
  }
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  // Hub kubeconfigs and generated cluster credentials live in here: owner-only.
  fs.writeFileSync(temp, JSON.stringify(out, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(temp, file);
}
