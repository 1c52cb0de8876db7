// osac.public.v1 Projects and Tenants, from the simulator's Directory. What the facts say
// (shared/osac-api.md "Tenancy and projects", authz.rego): every tenant has a default
// project named ''; clients may list projects, tenant admins manage them; reads are
// filtered by the caller's visible tenants; `metadata.tenant`/`metadata.project` of other
// objects must name an existing (tenant, project); public Tenants.Create answers
// UNIMPLEMENTED "method Create not implemented". Names are immutable; the generic server's
// id, NOT_FOUND and List rules apply. Project writes are kept in the state file (its
// `extra.projects` section), so a restarted simulator still has them, as the database would.
// Creates, updates and deletes go out on Events/Watch like the other objects' (public Event
// `project`, 11): CREATED, UPDATED when something changed, and DELETED carrying the deletion
// time (a project has no finalizers, so the DAO archives it in one step).
import { randomUUID } from "node:crypto";
import { create, equals, type Message } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import { Projects } from "../../proto/gen/osac/public/v1/projects_service_pb";
import { ProjectSchema, type Project } from "../../proto/gen/osac/public/v1/project_type_pb";
import { Tenants } from "../../proto/gen/osac/public/v1/tenants_service_pb";
import { TenantSchema } from "../../proto/gen/osac/public/v1/tenant_type_pb";
import { ApiError, invalidArgument, objectExists, objectNotFound } from "../errors";
import { EventType, type EventBus } from "../events";
import { compileFilter } from "../filter";
import type { ServedApi } from "../server";
import type { Handlers } from "../services/crud";
import type { OsacEnv } from "./generic";
import { assignTenant, creatorOf, isVisible, type Directory, type OsacSubject, type ProjectRecord } from "./tenancy";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

interface ListRequest {
  offset?: number;
  limit?: number;
  filter?: string;
}

function page<T>(items: T[], request: ListRequest): T[] {
  const start = Math.max(0, request.offset ?? 0);
  const count = request.limit === undefined || request.limit === 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Math.max(0, request.limit));
  return items.slice(start, start + count);
}

function projectMessage(record: ProjectRecord): Project {
  return create(ProjectSchema, {
    id: record.id,
    metadata: {
      name: record.name,
      tenant: record.tenant,
      creator: record.creator ?? "system",
      ...(record.created ? { creationTimestamp: timestampFromDate(record.created) } : {}),
    },
    spec: { title: record.title, ...(record.description !== undefined ? { description: record.description } : {}) },
    status: {},
  });
}

const unimplemented = (method: string) => () => {
  throw new ApiError(status.UNIMPLEMENTED, `method ${method} not implemented`);
};

export function projectApis(env: () => OsacEnv, events: EventBus): ServedApi[] {
  const directory = (): Directory => env().directory;
  // Project writes go to the state file with the objects.
  const persist = (): void => env().store.commit();
  const publish = (type: EventType.OBJECT_CREATED | EventType.OBJECT_UPDATED | EventType.OBJECT_DELETED, object: Project): void => {
    if (!env().store.frozen) events.publish({ id: randomUUID(), type, kind: "projects", object });
  };
  const find = (subject: OsacSubject, id: string): ProjectRecord => {
    if (id === "") throw invalidArgument("identifier is mandatory");
    const record = directory()
      .projectList()
      .find((project) => project.id === id);
    if (!record || !isVisible(subject, record.tenant)) throw objectNotFound(id);
    return record;
  };
  const output = (name: string) => Projects.methods.find((method) => method.name === name)!.output;
  const projects: Handlers = {
    List: (request, subject) => {
      const list = request as unknown as ListRequest;
      const matches = compileFilter(list.filter, ProjectSchema, { osac: true });
      const items = directory()
        .projectList()
        .filter((record) => isVisible(subject as OsacSubject, record.tenant))
        .map(projectMessage)
        .filter((message) => matches(message as unknown as Message));
      const shown = page(items, list);
      return create(output("List"), { size: shown.length, total: items.length, items: shown });
    },
    Get: (request, subject) => create(output("Get"), { object: projectMessage(find(subject as OsacSubject, (request as unknown as { id: string }).id)) }),
    Create: (request, subject) => {
      const object = (request as unknown as { object?: Project }).object;
      if (!object) throw invalidArgument("object is mandatory");
      const caller = subject as OsacSubject;
      const tenant = assignTenant(caller, object.metadata?.tenant ?? "", undefined);
      const name = object.metadata?.name ?? "";
      if (directory().hasProject(tenant, name)) throw objectExists(name);
      const record = directory().addProject(tenant, name, {
        title: object.spec?.title ?? "",
        ...(object.spec?.description !== undefined ? { description: object.spec.description } : {}),
        creator: creatorOf(caller, true),
      });
      persist();
      publish(EventType.OBJECT_CREATED, projectMessage(record));
      return create(output("Create"), { object: projectMessage(record) });
    },
    Update: (request, subject) => {
      const object = (request as unknown as { object?: Project }).object;
      if (!object) throw invalidArgument("object is mandatory");
      if (object.id === "") throw invalidArgument("object identifier is mandatory");
      const record = find(subject as OsacSubject, object.id);
      const before = projectMessage(record);
      if (object.metadata && object.metadata.name !== record.name) throw invalidArgument("field 'metadata.name' is immutable");
      if (object.metadata?.tenant && object.metadata.tenant !== record.tenant) throw invalidArgument("field 'metadata.tenant' is immutable");
      record.title = object.spec?.title ?? "";
      if (object.spec?.description !== undefined) record.description = object.spec.description;
      else delete record.description;
      persist();
      const after = projectMessage(record);
      if (!equals(ProjectSchema, before, after)) publish(EventType.OBJECT_UPDATED, after);
      return create(output("Update"), { object: after });
    },
    Delete: (request, subject) => {
      const id = (request as unknown as { id: string }).id;
      if (id === "") throw new ApiError(status.INTERNAL, "object identifier is mandatory");
      const record = find(subject as OsacSubject, id);
      directory().removeProject(record);
      persist();
      const final = projectMessage(record);
      final.metadata!.deletionTimestamp = timestampNow();
      publish(EventType.OBJECT_DELETED, final);
      return create(output("Delete"), {});
    },
  };
  const tenantOutput = (name: string) => Tenants.methods.find((method) => method.name === name)!.output;
  const tenants: Handlers = {
    List: (request, subject) => {
      const list = request as unknown as ListRequest;
      const matches = compileFilter(list.filter, TenantSchema, { osac: true });
      const items = directory()
        .tenantList()
        .filter((tenant) => isVisible(subject as OsacSubject, tenant.name))
        .map((tenant) => create(TenantSchema, { id: tenant.id, metadata: { name: tenant.name, tenant: tenant.name, creator: "system" }, spec: {} }))
        .filter((message) => matches(message as unknown as Message));
      const shown = page(items, list);
      return create(tenantOutput("List"), { size: shown.length, total: items.length, items: shown });
    },
    Get: (request, subject) => {
      const id = (request as unknown as { id: string }).id;
      if (id === "") throw invalidArgument("identifier is mandatory");
      const tenant = directory()
        .tenantList()
        .find((candidate) => candidate.id === id);
      if (!tenant || !isVisible(subject as OsacSubject, tenant.name)) throw objectNotFound(id);
      return create(tenantOutput("Get"), { object: { id: tenant.id, metadata: { name: tenant.name, tenant: tenant.name, creator: "system" }, spec: {} } });
    },
    Create: unimplemented("Create"),
    Update: unimplemented("Update"),
    Delete: unimplemented("Delete"),
  };
  return [
    { service: Projects, handlers: projects },
    { service: Tenants, handlers: tenants },
  ];
}
