// The osac server's CIDR canonicalisation (client/cidr.ts), failing as INVALID_ARGUMENT.
import { canonicalCidr as canonical, CidrError } from "../../client/cidr";
import { invalidArgument } from "../errors";

export function canonicalCidr(value: string, field: string): string {
  try {
    return canonical(value, field);
  } catch (error) {
    if (error instanceof CidrError) throw invalidArgument(error.message);
    throw error;
  }
}
