// Public surface of the client layer; resources, components and automation import from here.
export { FulfillmentClient, clientFor, closeAllClients, type CallOptions, type ClientOptions } from "./client";
export {
  connectionInputSchema,
  resolveConnection,
  defaultCliConfigPath,
  DEFAULT_DEADLINE_SECONDS,
  type ConnectionInput,
  type ResolvedConnection,
} from "./connection";
export {
  FulfillmentError,
  ConfigurationError,
  isNotFound,
  isAlreadyExists,
  grpcCode,
  statusName,
  formatIssues,
} from "./errors";
export { DEFAULT_RETRY_POLICY, retryPolicy, backoffCeilingMs, backoffDelayMs, withRetries, type RetryPolicy } from "./retry";
export {
  PARAMETER_TYPES,
  toTypeUrl,
  friendlyTypeName,
  packParameter,
  unpackParameter,
  parameterValuesEqual,
  type ParameterTypeName,
} from "./anyValues";
export { redactSecrets } from "./redact";
export { jwtExpiryMs, type TokenSource } from "./auth";
