// The public servers' Update without a mask (clusters_server.go, cluster_templates_server.go,
// host_types_server.go): the stored private object is the base, every public field the
// request leaves unset is cleared, messages the request sets are merged the same way
// recursively, maps it sets are merged key by key, and private-only fields (finalizers,
// status.hub, spec_defaults.pull_secret) and the top-level `status` are kept.
// So `{id, metadata: {labels: {team: c}}}` wipes the spec and the name.
import { clone, create, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { convert } from "../views";

type Fields = Record<string, unknown>;

export function mergePublic(privateSchema: DescMessage, stored: Message, publicSchema: DescMessage, request: Message): Message {
  const target = clone(privateSchema, stored);
  mergeInto(privateSchema, target as unknown as Fields, publicSchema, request as unknown as Fields, true);
  return target;
}

function mergeInto(to: DescMessage, target: Fields, from: DescMessage, source: Fields, top: boolean): void {
  for (const field of from.fields) {
    if (top && field.name === "status") continue;
    const targetField = to.fields.find((candidate) => candidate.name === field.name);
    if (!targetField) continue;
    const key = targetField.localName;
    const value = source[field.localName];
    switch (targetField.fieldKind) {
      case "message": {
        if (field.fieldKind !== "message") break;
        if (value === undefined) {
          target[key] = undefined;
        } else if (field.message.typeName === targetField.message.typeName) {
          target[key] = clone(field.message, value as Message);
        } else {
          const base = (target[key] as Fields | undefined) ?? (create(targetField.message) as unknown as Fields);
          mergeInto(targetField.message, base, field.message, value as Fields, false);
          target[key] = base;
        }
        break;
      }
      case "map": {
        if (field.fieldKind !== "map") break;
        const entries = Object.entries((value as Record<string, unknown> | undefined) ?? {});
        if (entries.length === 0) {
          target[key] = {};
          break;
        }
        const map = { ...((target[key] as Record<string, unknown> | undefined) ?? {}) };
        for (const [entryKey, entry] of entries) map[entryKey] = mergeEntry(targetField, field, map[entryKey], entry);
        target[key] = map;
        break;
      }
      default:
        target[key] = copyPlain(field, targetField, value);
    }
  }
}

function mergeEntry(targetField: DescField & { fieldKind: "map" }, field: DescField & { fieldKind: "map" }, current: unknown, entry: unknown): unknown {
  if (targetField.mapKind !== "message" || field.mapKind !== "message") return entry;
  if (targetField.message.typeName === field.message.typeName) return clone(field.message, entry as Message);
  const base = (current as Fields | undefined) ? (clone(targetField.message, current as Message) as unknown as Fields) : (create(targetField.message) as unknown as Fields);
  mergeInto(targetField.message, base, field.message, entry as Fields, false);
  return base;
}

function copyPlain(field: DescField, targetField: DescField, value: unknown): unknown {
  if (field.fieldKind === "list" && targetField.fieldKind === "list") {
    return ((value as unknown[] | undefined) ?? []).map((item) =>
      field.listKind === "message" && targetField.listKind === "message"
        ? field.message.typeName === targetField.message.typeName
          ? clone(field.message, item as Message)
          : convert(field.message, item as Message, targetField.message)
        : item instanceof Uint8Array
          ? item.slice()
          : item,
    );
  }
  if (value instanceof Uint8Array) return value.slice();
  if (value === undefined && targetField.fieldKind === "scalar") return (create(targetField.parent) as unknown as Fields)[targetField.localName];
  return value;
}
