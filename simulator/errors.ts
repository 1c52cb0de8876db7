// Handlers throw ApiError; the server turns it into a gRPC status with exactly this
// code and text, so the messages clients see are the ones the real server sends.
import { status } from "@grpc/grpc-js";

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const invalidArgument = (message: string): ApiError => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string): ApiError => new ApiError(status.NOT_FOUND, message);
export const internal = (message: string): ApiError => new ApiError(status.INTERNAL, message);

export const objectNotFound = (id: string): ApiError => notFound(`object with identifier '${id}' not found`);
export const objectExists = (id: string): ApiError =>
  new ApiError(status.ALREADY_EXISTS, `object with identifier '${id}' already exists`);

/** Quotes and joins like go-humanize's english.WordSeries: 'a', 'b' and 'c'. */
export function wordSeries(values: readonly string[], conjunction = "and"): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}
