// `project` on the objects other than clusters and catalog items (templates, host types,
// hubs): osac keeps `metadata.project` on every object, immutable once created (the
// database's check_immutable_columns); empty is the tenant's default project ''. The
// innabox generation has no projects, so a program that names one is refused at check.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { apiFor, type FulfillmentApi } from "../client/api";
import type { ConnectionInput } from "../client/connection";
import { clientForInputs } from "../toolkit/connect";
import { checkFailure, containsUnknown, errorMessage } from "../toolkit/common";

/** Empty or left out: the tenant's default project. */
export const projectSchema = z.string({ message: "name a project of your tenant, or leave project out for its default" }).optional();

/** Both mean the default project: leaving it out and "" are the same. */
export const sameProject = (a: string | undefined, b: string | undefined): boolean => (a ?? "") === (b ?? "");

/**
 * The stored project in the program's terms: shown once the program names one (so refresh
 * shows drift), left out when it does not (the default, which the server does not echo).
 */
export function projectView(declared: string | undefined, stored: string | undefined): string | undefined {
  return declared !== undefined ? stored ?? "" : undefined;
}

/** Adoption takes over the object only in the project the program names (a project cannot change). */
export function adoptionProjectProblem(what: string, id: string, declared: string | undefined, stored: string | undefined): string | undefined {
  if (declared === undefined || sameProject(declared, stored)) return undefined;
  return (
    `cannot adopt ${what} '${id}': it is in project '${stored ?? ""}', not '${declared}', and the project of an object cannot change; ` +
    `set project to '${stored ?? ""}' (or leave it out), or create a new ${what} in '${declared}'`
  );
}

/**
 * A check failure for `project` on a server of the innabox generation. Asks the server which
 * generation it speaks only when the program names a project, so other checks stay offline.
 */
export async function projectGenerationFailures(
  inputs: { project?: string; connection?: ConnectionInput },
  what: string,
  innaboxPackage: string,
): Promise<pulumi.dynamic.CheckFailure[]> {
  if (inputs.project === undefined || containsUnknown(inputs.connection)) return [];
  let api: FulfillmentApi;
  let address = "";
  try {
    const client = clientForInputs(inputs);
    address = client.address;
    api = await apiFor(client);
  } catch (error) {
    return [checkFailure(`connection: could not ask the service${address ? ` at ${address}` : ""} which API it speaks, to check project: ${errorMessage(error)}`)];
  }
  if (api.generation !== "innabox") return [];
  return [
    checkFailure(
      `project: ${what} of the innabox generation (${innaboxPackage}) have no project; remove it, or use a server of the osac generation (osac.public.v1)`,
    ),
  ];
}
