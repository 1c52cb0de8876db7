// Tenants, projects and JIT-provisioned users of the osac simulator, and the default
// tenancy logic (internal/auth/default_tenancy_logic.go, generic_server.go
// determineAssignedTenant): visible = own tenants ∪ `shared` (admins: all), assignable =
// own tenants (admins: all), default = `shared` for admins, else the first own tenant.
import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { Subject } from "../auth";
import { ApiError, internal, invalidArgument } from "../errors";

export const BUILTIN_TENANTS = ["system", "shared"] as const;

/** A project as the simulator keeps it (migration 69: unique per tenant and name). */
export interface ProjectRecord {
  id: string;
  tenant: string;
  name: string;
  title: string;
  description?: string;
  creator?: string;
  created?: Date;
}

/** A project as the state file keeps it. */
export type SavedProject = Omit<ProjectRecord, "created"> & { created?: string };

/** Who called, as the authn/authz interceptors and the JIT provisioning saw it. */
export interface OsacSubject extends Subject {
  /** No token (an anonymous method). */
  anonymous: boolean;
  admin: boolean;
  /** `preferred_username`/`username`, or the service account's `sub`. */
  username: string;
  /** The subject's own tenants (the `organization` claim, or a service account's namespace); ignored for admins. */
  tenants: string[];
  /** Realm roles (`realm_access.roles`). */
  roles: string[];
  /** The User object id once JIT-provisioned. */
  userId?: string;
}

export class Directory {
  private readonly tenants = new Set<string>(BUILTIN_TENANTS);
  /** tenant → project name → its object; every tenant has its default project ''. */
  private readonly projects = new Map<string, Map<string, ProjectRecord>>();
  private readonly tenantIds = new Map<string, string>();
  /** `${tenant}/${username}` → User object id. */
  private readonly users = new Map<string, string>();

  constructor(tenants: readonly string[] = [], projects: ReadonlyArray<{ tenant: string; name: string }> = []) {
    for (const tenant of [...BUILTIN_TENANTS, ...tenants]) this.addTenant(tenant);
    for (const project of projects) this.addProject(project.tenant, project.name);
  }

  addTenant(tenant: string): void {
    this.tenants.add(tenant);
    if (!this.tenantIds.has(tenant)) this.tenantIds.set(tenant, randomUUID());
    if (!this.projects.has(tenant)) this.projects.set(tenant, new Map([["", { id: randomUUID(), tenant, name: "", title: "" }]]));
  }

  addProject(tenant: string, name: string, details: { title?: string; description?: string; creator?: string } = {}): ProjectRecord {
    this.addTenant(tenant);
    const projects = this.projects.get(tenant)!;
    let record = projects.get(name);
    if (!record) {
      record = { id: randomUUID(), tenant, name, title: details.title ?? "", created: new Date() };
      if (details.description !== undefined) record.description = details.description;
      if (details.creator !== undefined) record.creator = details.creator;
      projects.set(name, record);
    }
    return record;
  }

  /** Every project, the tenants' default ones included, ordered by id as the DAO lists them. */
  projectList(): ProjectRecord[] {
    return [...this.projects.values()].flatMap((projects) => [...projects.values()]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  removeProject(record: ProjectRecord): void {
    this.projects.get(record.tenant)?.delete(record.name);
  }

  /** Every project as JSON, for the state file. */
  savedProjects(): SavedProject[] {
    return this.projectList().map(({ created, ...record }) => ({ ...record, ...(created ? { created: created.toISOString() } : {}) }));
  }

  /** The projects of a state file, in place of the current ones (a project deleted before the restart stays deleted). */
  restoreProjects(saved: unknown): void {
    if (!Array.isArray(saved)) return;
    this.projects.clear();
    for (const item of saved as SavedProject[]) {
      if (!this.tenants.has(item.tenant)) this.tenants.add(item.tenant);
      if (!this.tenantIds.has(item.tenant)) this.tenantIds.set(item.tenant, randomUUID());
      const { created, ...record } = item;
      let projects = this.projects.get(item.tenant);
      if (!projects) this.projects.set(item.tenant, (projects = new Map()));
      projects.set(item.name, { ...record, ...(created ? { created: new Date(created) } : {}) });
    }
    for (const tenant of this.tenants) this.addTenant(tenant);
  }

  tenantList(): Array<{ id: string; name: string }> {
    return [...this.tenants].map((name) => ({ id: this.tenantIds.get(name)!, name })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  hasProject(tenant: string, name: string): boolean {
    return this.projects.get(tenant)?.has(name) ?? false;
  }

  /**
   * internal/auth/grpc_jit_provisioning_interceptor.go: a non-admin subject with exactly one
   * tenant other than `system`/`shared` gets a User object on its first call.
   */
  provision(subject: OsacSubject): void {
    if (subject.anonymous || subject.admin) return;
    const own = subject.tenants.filter((tenant) => tenant !== "system" && tenant !== "shared");
    if (own.length !== 1) return;
    const tenant = own[0];
    if (!this.hasTenant(tenant)) {
      throw invalidArgument(
        `user provisioning failed: failed to create user: rpc error: code = InvalidArgument desc = tenant '${tenant}' doesn't exist`,
      );
    }
    const key = `${tenant}/${subject.username}`;
    let id = this.users.get(key);
    if (!id) {
      id = randomUUID();
      this.users.set(key, id);
    }
    subject.userId = id;
  }
}

export function isVisible(subject: OsacSubject, tenant: string): boolean {
  return subject.admin || tenant === "shared" || subject.tenants.includes(tenant);
}

/** The tenant an object gets on Create (current = undefined) or keeps on Update. */
export function assignTenant(subject: OsacSubject, requested: string, current: string | undefined): string {
  const assignable = subject.admin ? undefined : subject.tenants;
  if (assignable && assignable.length === 0) throw internal("failed to determine assignable tenants");
  if (requested !== "") {
    if (!isVisible(subject, requested)) throw new ApiError(status.PERMISSION_DENIED, `tenant '${requested}' doesn't exist`);
    if (assignable && !assignable.includes(requested)) throw new ApiError(status.PERMISSION_DENIED, `tenant '${requested}' can't be assigned`);
    return requested;
  }
  if (current) return current;
  return subject.admin ? "shared" : assignable![0];
}

/** Creator attribution: the public API records the User id or the username; the private API `system`. */
export function creatorOf(subject: OsacSubject, isPublic: boolean): string {
  if (!isPublic) return "system";
  return subject.userId ?? subject.username;
}
