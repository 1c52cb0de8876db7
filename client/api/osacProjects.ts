// osac.public.v1 Projects, read-only: what a program needs to name a project that exists.
// Clients may List (authz.rego); Get is a tenant admin's, so lookups go through List with a
// name filter (CEL over `this`, translated to SQL by the server).
import { Projects } from "../../proto/gen/osac/public/v1/projects_service_pb";
import { ProjectState, type Project as ProjectMessage } from "../../proto/gen/osac/public/v1/project_type_pb";
import type { FulfillmentClient } from "../client";
import type { ProjectsApi } from "./api";
import type { Project } from "./domain";

function project(message: ProjectMessage): Project {
  const out: Project = {
    id: message.id,
    name: message.metadata?.name ?? "",
    tenant: message.metadata?.tenant ?? "",
    title: message.spec?.title ?? "",
    state: (ProjectState[message.status?.state ?? ProjectState.UNSPECIFIED] ?? "UNSPECIFIED").replace(/^PROJECT_STATE_/, ""),
  };
  if (message.spec?.description !== undefined) out.description = message.spec.description;
  return out;
}

const quoted = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function osacProjects(client: FulfillmentClient): ProjectsApi {
  return {
    async list(filter?: { name?: string; tenant?: string }) {
      const clauses: string[] = [];
      if (filter?.name !== undefined) clauses.push(`this.metadata.name == ${quoted(filter.name)}`);
      // As the osac CLI lists projects (a tenant-scoped kind) in its current tenant.
      const tenant = filter?.tenant ?? client.defaultTenant;
      if (tenant !== undefined) clauses.push(`this.metadata.tenant == ${quoted(tenant)}`);
      const items: Project[] = [];
      for (let offset = 0; ; ) {
        const response = await client.call(Projects.method.list, { offset, limit: 1000, ...(clauses.length ? { filter: clauses.join(" && ") } : {}) });
        items.push(...response.items.map(project));
        offset += response.items.length;
        if (response.items.length === 0 || offset >= response.total) return items;
      }
    },
  };
}
