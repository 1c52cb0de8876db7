// The Automation API wrapper for pipelines: `require("pulumi-fulfillment/automation")`.
export { FulfillmentStack, openStack, programForSpec, packageRoot, defaultWorkBase, StackOperationError } from "./stack";
export type { StackOptions, FleetSpec, OperationReport } from "./stack";
export { connectionFromEnvironment, connectionConfig, connectionForStack, type ConnectionSettings } from "./connection";
export { renderPreviewMarkdown, renderPreviewText, PreviewCollector, type PreviewReport, type ResourcePreview } from "./preview";
export { OPERATIONS, operationOf, type Operation } from "./operations";
export { renderDriftMarkdown, renderDriftText, DriftCollector, type DriftReport, type DriftedResource, type DriftKind } from "./drift";
export { ProgressReporter, formatElapsed, type LineSink, type ProgressOptions } from "./progress";
export { SECRET, diffProperties, friendlyType, maskValue, type PropertyChange } from "./values";
export {
  withEphemeralCluster,
  cleanupEphemeralStacks,
  ephemeralStackName,
  parseEphemeralStackName,
  EphemeralInterruptedError,
  EphemeralCleanupError,
  type EphemeralClusterOptions,
  type EphemeralCluster,
  type CleanupOptions,
  type CleanupResult,
} from "./ephemeral";
export { pulumiEnvironment, pulumiCommand, requireBinary, MissingToolchainError } from "./environment";
