import { expect } from "vitest";
import { FulfillmentError } from "../../client/errors";

/** Resolves with the FulfillmentError a call failed with; fails the test if it succeeded or failed otherwise. */
export async function expectFulfillmentError(promise: Promise<unknown>): Promise<FulfillmentError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FulfillmentError);
  return error as FulfillmentError;
}
