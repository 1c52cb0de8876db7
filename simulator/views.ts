// The store keeps every object in its private.v1 form (the superset: finalizers,
// status.hub). Public fulfillment.v1 objects are a projection of it. The two packages
// share field names but not field numbers (shared.v1.Metadata numbers differ), so the
// projection goes field by field by name rather than through the wire format.
import { clone, create, type DescMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import {
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  file_google_protobuf_field_mask,
} from "@bufbuild/protobuf/wkt";
import { createRegistry } from "@bufbuild/protobuf";
import { file_fulfillment_v1_cluster_type } from "../proto/gen/fulfillment/v1/cluster_type_pb";
import { file_fulfillment_v1_cluster_template_type } from "../proto/gen/fulfillment/v1/cluster_template_type_pb";
import { file_fulfillment_v1_host_class_type } from "../proto/gen/fulfillment/v1/host_class_type_pb";
import { file_private_v1_cluster_type } from "../proto/gen/private/v1/cluster_type_pb";
import { file_private_v1_cluster_template_type } from "../proto/gen/private/v1/cluster_template_type_pb";
import { file_private_v1_host_class_type } from "../proto/gen/private/v1/host_class_type_pb";
import { file_private_v1_hub_type } from "../proto/gen/private/v1/hub_type_pb";

/** Resolves Any payloads for JSON (state file, CEL filters, ClusterOrder parameters). */
export const jsonRegistry = createRegistry(
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  file_google_protobuf_field_mask,
  file_fulfillment_v1_cluster_type,
  file_fulfillment_v1_cluster_template_type,
  file_fulfillment_v1_host_class_type,
  file_private_v1_cluster_type,
  file_private_v1_cluster_template_type,
  file_private_v1_host_class_type,
  file_private_v1_hub_type,
);

type Fields = Record<string, unknown>;

/**
 * Copies `source` (of schema `from`) into a new message of schema `to`, matching fields
 * by proto name. Fields the target lacks (finalizers, status.hub) are dropped; fields
 * the source lacks keep their defaults. Messages of the same type are deep-cloned.
 */
export function convert<From extends DescMessage, To extends DescMessage>(
  from: From,
  source: MessageShape<From>,
  to: To,
): MessageShape<To> {
  const target = create(to) as unknown as Fields;
  const src = source as unknown as Fields;
  for (const field of to.fields) {
    const sourceField = from.fields.find((candidate) => candidate.name === field.name);
    if (!sourceField) continue;
    const value = src[sourceField.localName];
    switch (field.fieldKind) {
      case "scalar":
      case "enum":
        if (value !== undefined) target[field.localName] = value instanceof Uint8Array ? value.slice() : value;
        break;
      case "message":
        if (value !== undefined && sourceField.fieldKind === "message") {
          target[field.localName] = copyMessage(sourceField.message, value as Message, field.message);
        }
        break;
      case "list":
        if (Array.isArray(value) && sourceField.fieldKind === "list") {
          target[field.localName] = value.map((item: unknown) =>
            field.listKind === "message" && sourceField.listKind === "message"
              ? copyMessage(sourceField.message, item as Message, field.message)
              : item instanceof Uint8Array
                ? item.slice()
                : item,
          );
        }
        break;
      case "map":
        if (value !== undefined && sourceField.fieldKind === "map") {
          const out: Record<string, unknown> = {};
          for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
            out[key] =
              field.mapKind === "message" && sourceField.mapKind === "message"
                ? copyMessage(sourceField.message, item as Message, field.message)
                : item;
          }
          target[field.localName] = out;
        }
        break;
    }
  }
  return target as unknown as MessageShape<To>;
}

function copyMessage(from: DescMessage, value: Message, to: DescMessage): Message {
  if (from.typeName === to.typeName) return clone(from, value);
  return convert(from, value, to);
}
