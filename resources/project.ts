// A lookup for users: the project a program names, checked against the service before
// anything is ordered in it (osac only; every tenant has a default project named '').
// Runs in the program, with the connection a resource would use: `connection`, then the
// stack's fulfillment: config, the FULFILLMENT_* environment and the CLIs' configs.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInput } from "../client/connection";
import type { Project } from "../client/api";
import { apiForInputs } from "../toolkit/connect";
import { rememberStackConfig } from "../toolkit/stackConfig";

export type { Project };

export interface GetProjectArgs {
  /** The project's name (`metadata.name`), as clusters name it in `project`. */
  name: string;
  /** Only this tenant's project of that name (a caller may see `shared` and its own tenants). */
  tenant?: string;
  connection?: ConnectionInput;
}

export async function getProject(args: GetProjectArgs): Promise<Project> {
  rememberStackConfig({ get: (key) => pulumi.runtime.getConfig(key) });
  const api = await apiForInputs(args.connection ? { connection: args.connection } : {});
  if (!api.projects) {
    throw new Error(`getProject: the server speaks the ${api.generation} generation, which has no projects; projects exist only on the osac generation`);
  }
  const found = await api.projects.list({ name: args.name, ...(args.tenant !== undefined ? { tenant: args.tenant } : {}) });
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new Error(`getProject: tenants ${found.map((p) => `'${p.tenant}'`).join(", ")} each have a project '${args.name}'; name the one you mean with tenant`);
  }
  const visible = await api.projects.list(args.tenant !== undefined ? { tenant: args.tenant } : undefined);
  const names = visible.filter((p) => p.name !== "").map((p) => `'${p.name}' (tenant '${p.tenant}')`);
  throw new Error(
    `getProject: there is no project '${args.name}'${args.tenant !== undefined ? ` in tenant '${args.tenant}'` : ""} that this caller can see` +
      `${names.length ? `; it sees ${names.join(", ")}` : "; it sees only the tenants' default projects ('')"}. ` +
      `Create it first (a tenant admin's osac.public.v1.Projects/Create, e.g. osac create project), or fix the name`,
  );
}
