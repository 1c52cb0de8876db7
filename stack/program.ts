// Turns a validated stack document into resources.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../resources/cluster";
import { ClusterTemplate } from "../resources/clusterTemplate";
import { ClusterCatalogItem } from "../resources/clusterCatalogItem";
import { HostClass } from "../resources/hostClass";
import { Hub } from "../resources/hub";
import { HubBootstrap } from "../components/hubBootstrap";
import { ClusterOrderCrd } from "../components/clusterOrderCrd";
import type { HubSpec, StackSpec } from "./schema";

export interface StackOutputs {
  hubs: Record<string, pulumi.Output<string>>;
  hostClasses: Record<string, pulumi.Output<string>>;
  templates: Record<string, pulumi.Output<string>>;
  catalogItems: Record<string, pulumi.Output<string>>;
  clusters: Record<string, pulumi.Output<{ id: string; state: string; apiUrl: string; consoleUrl: string; hub: string }>>;
  kubeconfigs: Record<string, pulumi.Output<string>>;
}

function readFileFor(baseDir: string, file: string, field: string): string {
  const resolved = path.resolve(baseDir, file);
  if (!fs.existsSync(resolved)) throw new Error(`${field}: no file at ${resolved}`);
  return fs.readFileSync(resolved, "utf8");
}

function buildHub(spec: HubSpec, index: number, baseDir: string, connection: StackSpec["connection"]): pulumi.Resource & { hubId: pulumi.Output<string> } {
  if (spec.bootstrap) {
    const adminKubeconfig = pulumi.secret(readFileFor(baseDir, spec.bootstrap.adminKubeconfigFile, `hubs[${index}].bootstrap.adminKubeconfigFile`));
    const crd = spec.bootstrap.installCrd ? new ClusterOrderCrd(`${spec.id}-crd`, { kubeconfig: adminKubeconfig }) : undefined;
    return new HubBootstrap(
      spec.id,
      {
        adminKubeconfig,
        hubId: spec.id,
        namespace: spec.namespace,
        serviceAccountName: spec.bootstrap.serviceAccountName,
        clusterAdmin: spec.bootstrap.clusterAdmin,
        token: spec.bootstrap.token,
        hubName: spec.name,
        hubLabels: spec.labels,
        project: spec.project,
        connection,
      },
      { dependsOn: crd ? [crd] : [] },
    );
  }
  return new Hub(spec.id, {
    hubId: spec.id,
    kubeconfig: pulumi.secret(readFileFor(baseDir, spec.kubeconfigFile!, `hubs[${index}].kubeconfigFile`)),
    namespace: spec.namespace,
    name: spec.name,
    labels: spec.labels,
    project: spec.project,
    connection,
  });
}

/**
 * Parameter values may come from the environment or a file instead of the document, as
 * `{ fromEnv: NAME }` or `{ fromFile: path }`; such values are kept secret.
 */
function resolveParameters(
  parameters: Record<string, unknown> | undefined,
  baseDir: string,
  where: string,
): Record<string, pulumi.Input<unknown>> | undefined {
  if (!parameters) return undefined;
  const out: Record<string, pulumi.Input<unknown>> = {};
  for (const [key, value] of Object.entries(parameters)) {
    const ref = value as { fromEnv?: unknown; fromFile?: unknown } | null;
    const keys = ref && typeof ref === "object" && !Array.isArray(ref) ? Object.keys(ref) : [];
    if (keys.length === 1 && typeof ref!.fromEnv === "string") {
      const env = process.env[ref!.fromEnv];
      if (env === undefined) throw new Error(`${where}.${key}: environment variable ${ref!.fromEnv} is not set`);
      out[key] = pulumi.secret(env);
    } else if (keys.length === 1 && typeof ref!.fromFile === "string") {
      out[key] = pulumi.secret(readFileFor(baseDir, ref!.fromFile, `${where}.${key}.fromFile`).trimEnd());
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** `baseDir`: where relative file names in the document are resolved (the YAML file's directory). */
export function buildStack(spec: StackSpec, baseDir: string): StackOutputs {
  const connection = spec.connection;
  const hubs = (spec.hubs ?? []).map((h, i) => buildHub(h, i, baseDir, connection));
  const hostClasses = new Map(
    (spec.hostClasses ?? []).map((h) => [
      h.id,
      new HostClass(h.id, { hostClassId: h.id, title: h.title, description: h.description, name: h.name, labels: h.labels, project: h.project, connection }),
    ]),
  );
  const templates = new Map(
    (spec.templates ?? []).map((t) => [
      t.id,
      new ClusterTemplate(t.id, {
        templateId: t.id,
        title: t.title,
        description: t.description,
        parameters: t.parameters,
        // A host class of this stack is referenced through its output, so Pulumi creates it first.
        nodeSets: Object.fromEntries(
          Object.entries(t.nodeSets).map(([key, set]) => [key, { ...set, hostClass: hostClasses.get(set.hostClass)?.hostClassId ?? set.hostClass }]),
        ),
        name: t.name,
        labels: t.labels,
        project: t.project,
        connection,
      }),
    ]),
  );
  const catalogItems = new Map(
    (spec.catalogItems ?? []).map((item) => [
      item.id,
      new ClusterCatalogItem(item.id, {
        catalogItemId: item.id,
        title: item.title,
        description: item.description,
        // A template of this stack is referenced through its output, so Pulumi creates it first.
        template: templates.get(item.template)?.templateId ?? item.template,
        published: item.published,
        fieldDefinitions: item.fieldDefinitions,
        name: item.name,
        labels: item.labels,
        project: item.project,
        connection,
      }),
    ]),
  );
  const outputs: StackOutputs = { hubs: {}, hostClasses: {}, templates: {}, catalogItems: {}, clusters: {}, kubeconfigs: {} };
  outputs.hubs = Object.fromEntries((spec.hubs ?? []).map((h, i) => [h.id, hubs[i].hubId]));
  for (const [id, hostClass] of hostClasses) outputs.hostClasses[id] = hostClass.hostClassId;
  for (const [id, template] of templates) outputs.templates[id] = template.templateId;
  for (const [id, item] of catalogItems) outputs.catalogItems[id] = item.catalogItemId;
  for (const [index, c] of (spec.clusters ?? []).entries()) {
    const template = templates.get(c.template);
    const cluster = new Cluster(
      c.name,
      {
        // A template of this stack is referenced through its output, so Pulumi creates it first.
        template: template ? template.templateId : c.template,
        templateParameters: resolveParameters(c.parameters, baseDir, `clusters[${index}].parameters`),
        nodeSets: c.nodeSets,
        name: c.name,
        labels: c.labels,
        project: c.project,
        timeouts: c.timeouts,
        connection,
      },
      { dependsOn: hubs },
    );
    outputs.clusters[c.name] = pulumi
      .all([cluster.clusterId, cluster.state, cluster.apiUrl, cluster.consoleUrl, cluster.hub])
      .apply(([id, state, apiUrl, consoleUrl, hub]) => ({ id, state, apiUrl, consoleUrl, hub }));
    outputs.kubeconfigs[c.name] = cluster.kubeconfig;
  }
  return outputs;
}
