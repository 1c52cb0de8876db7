// What an engine step means for a resource, the one way the preview report and the
// progress lines count it: every step of a replacement is a replace, a discard is a
// delete, a refresh step changes nothing.
import type { OpType } from "@pulumi/pulumi/automation";

export type Operation = "create" | "update" | "replace" | "delete" | "same" | "read" | "import";

export const OPERATIONS: readonly Operation[] = ["create", "update", "replace", "delete", "same", "read", "import"];

const STEP_TO_OPERATION: Partial<Record<OpType, Operation>> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "read-replacement": "replace",
  "discard-replaced": "replace",
  "import-replacement": "replace",
  read: "read",
  import: "import",
  discard: "delete",
  refresh: "same",
};

/** The operation a step counts as, or undefined for a step kind this engine version does not document. */
export function operationOf(step: OpType): Operation | undefined {
  return STEP_TO_OPERATION[step];
}
