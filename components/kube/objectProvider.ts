/* eslint-disable @typescript-eslint/no-explicit-any -- the retired resources' objects travel as untyped JSON */
// Retired. Until 0.2 HubBootstrap and ClusterOrderCrd made their Kubernetes objects as
// dynamic resources (`pulumi-nodejs:dynamic/kubernetes:<Kind>`) whose serialized
// provider requires this module; they are `@pulumi/kubernetes` resources now. This
// module stays only so the states those versions wrote can still refresh, move to the
// new resources and be destroyed (README, "Moving a hub stack from 0.1"):
// - delete leaves an object that the `@pulumi/kubernetes` provider manages now: when
//   `up` moves a stack to the new resources (aliases), the engine creates the new
//   resource over the live object first and deletes the old one last, and that delete
//   must not take the object (a namespace: everything in it) away;
// - otherwise delete removes the object as the old provider did (a stack destroyed
//   before it moved), and read reports it gone or present;
// - create and update apply the object (server-side apply) for a state that still
//   declares the old resources; nothing here waits, adopts or compares any more.
import type * as pulumi from "@pulumi/pulumi";
import { FIELD_MANAGER, isNotFound, kubeRequest, loadKubeconfig, type KubeContext } from "../../kube/client";
import { compact, progress } from "../../toolkit/common";

const KINDS: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: "namespaces", namespaced: false },
  ServiceAccount: { plural: "serviceaccounts", namespaced: true },
  Secret: { plural: "secrets", namespaced: true },
  Role: { plural: "roles", namespaced: true },
  ClusterRole: { plural: "clusterroles", namespaced: false },
  RoleBinding: { plural: "rolebindings", namespaced: true },
  ClusterRoleBinding: { plural: "clusterrolebindings", namespaced: false },
  CustomResourceDefinition: { plural: "customresourcedefinitions", namespaced: false },
};

/** The field managers `@pulumi/kubernetes` applies with (`pulumi-kubernetes-<random>` in server-side apply mode). */
export function managedByPulumiKubernetes(live: any): boolean {
  const managers: any[] = live?.metadata?.managedFields ?? [];
  return managers.some((entry) => typeof entry?.manager === "string" && entry.manager.startsWith("pulumi-kubernetes"));
}

interface RetiredProps {
  kubeconfig: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  fields?: Record<string, unknown>;
  preexisting?: boolean;
}

function objectPath(props: Pick<RetiredProps, "apiVersion" | "kind" | "name" | "namespace">): string {
  const kind = KINDS[props.kind];
  if (!kind) throw new Error(`retired Kubernetes resource: unknown kind '${props.kind}'`);
  const base = props.apiVersion.includes("/") ? `/apis/${props.apiVersion}` : `/api/${props.apiVersion}`;
  const ns = kind.namespaced ? `/namespaces/${encodeURIComponent(props.namespace ?? "")}` : "";
  return `${base}${ns}/${kind.plural}/${encodeURIComponent(props.name)}`;
}

async function get(ctx: KubeContext, props: RetiredProps): Promise<any | undefined> {
  try {
    return await kubeRequest(ctx, "GET", objectPath(props));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function apply(props: RetiredProps): Promise<any> {
  const ctx = loadKubeconfig(props.kubeconfig, "admin kubeconfig");
  const manifest = compact({
    ...(props.fields ?? {}),
    apiVersion: props.apiVersion,
    kind: props.kind,
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
  });
  const live = await kubeRequest(ctx, "PATCH", objectPath(props), {
    body: manifest,
    contentType: "application/apply-patch+yaml",
    query: { fieldManager: FIELD_MANAGER, force: "true" },
  });
  return compact({ ...props, uid: live?.metadata?.uid, creationTimestamp: live?.metadata?.creationTimestamp });
}

const idOf = (props: RetiredProps) => (props.namespace ? `${props.namespace}/${props.name}` : props.name);

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return { inputs: news };
}

export async function diff(): Promise<pulumi.dynamic.DiffResult> {
  return { changes: false };
}

export async function create(news: RetiredProps): Promise<pulumi.dynamic.CreateResult> {
  return { id: idOf(news), outs: await apply(news) };
}

export async function read(id: string, props: RetiredProps): Promise<pulumi.dynamic.ReadResult> {
  const live = await get(loadKubeconfig(props.kubeconfig, "admin kubeconfig"), props);
  if (!live || live.metadata?.deletionTimestamp) return { id: "", props: {} };
  return { id, props };
}

export async function update(_id: string, _olds: RetiredProps, news: RetiredProps): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await apply(news) };
}

export async function remove(id: string, props: RetiredProps): Promise<void> {
  if (props.preexisting === true) return;
  const ctx = loadKubeconfig(props.kubeconfig, "admin kubeconfig");
  const live = await get(ctx, props);
  if (!live) return;
  if (managedByPulumiKubernetes(live)) {
    progress(props.kind, id, "now managed by the @pulumi/kubernetes resource that replaces this one: left in place");
    return;
  }
  try {
    await kubeRequest(ctx, "DELETE", objectPath(props), { body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" } });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export { remove as delete };
