// What a host knows about the resource operation in flight and the resource modules may
// use: where progress lines go, the engine's timeout for the operation, a signal that the
// engine cancelled it. The dynamic host sets none of these (it receives none from the
// engine), so the modules keep their own defaults there; the provider plugin sets them for
// each gRPC call. Carried in AsyncLocalStorage so the check/diff/create/read/update/delete
// signatures, and every wait below them, stay as they are.
import { AsyncLocalStorage } from "node:async_hooks";
import { formatDuration } from "../timing/duration";

export interface OperationContext {
  /** Receives each progress line (already prefixed with the resource's kind and name). */
  progress?: (line: string) => void;
  /** The engine's timeout for this operation (customTimeouts), in milliseconds. */
  timeoutMs?: number;
  /** Aborted when the engine cancels the operation. */
  signal?: AbortSignal;
  /** The engine's operation `timeoutMs` belongs to (its customTimeouts key). */
  kind?: "create" | "update" | "delete";
}

/** The reason a host aborts `signal` with when the engine cancels (Ctrl-C on `pulumi up`). Compare by name: the module may load twice. */
export class OperationCancelledError extends Error {
  constructor() {
    super("the engine cancelled the operation (Ctrl-C or 'pulumi cancel'), so the wait stopped");
    this.name = "OperationCancelledError";
  }
}

export function isOperationCancelled(error: unknown): boolean {
  return error instanceof Error && error.name === "OperationCancelledError";
}

const storage = new AsyncLocalStorage<OperationContext>();

export function runInOperation<T>(context: OperationContext, body: () => Promise<T>): Promise<T> {
  return storage.run(context, body);
}

export function currentOperation(): OperationContext | undefined {
  return storage.getStore();
}

/** The engine's timeout when it gave one, else the resource's own setting. */
export function operationTimeoutMs(ownSetting: () => number): number {
  return currentOperation()?.timeoutMs ?? ownSetting();
}

/**
 * The setting that bounds this operation's wait, as a message tells the user to raise it:
 * the engine's `customTimeouts.<kind>` when it gave one, else the resource's own (`ownSetting`).
 */
export function timeoutSettingWords(kind: "create" | "update" | "delete", ownSetting: () => string): string {
  const operation = currentOperation();
  if (operation?.timeoutMs === undefined) return ownSetting();
  // An update that resumes a create's wait runs under the update's customTimeouts.
  return `the customTimeouts.${operation.kind ?? kind} resource option (now ${formatDuration(operation.timeoutMs)})`;
}
