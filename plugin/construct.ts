// The Construct RPC: the component resources (plugin/components.ts) built in this process,
// their children registered with the engine's resource monitor, as the stock
// `@pulumi/pulumi/provider` server does it (provider/server.js `construct`). That server
// cannot be reused as a whole (its Server class is not exported and it lacks what the rest
// of this plugin needs), so this follows its steps with the SDK's own runtime functions:
// internal ones are imported by path, named below.
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
// Internal (no public export) in @pulumi/pulumi 3.250.0:
//  runtime/settings resetOptions (and awaitFeatureSupport/waitForRPCs, @internal, not in the
//  typings), runtime/config setAllConfig, runtime/rpc serializeResourceProperties: configure
//  the runtime and serialize the state;
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
//  runtime/state withLocalStorage (@internal, not in the typings): one runtime store per call;
import * as runtimeState from "@pulumi/pulumi/runtime/state";
//  provider/server deserializeInputs (@internal, not in the typings): inputs as Outputs with their secrets and dependencies.
import * as providerServer from "@pulumi/pulumi/provider/server";
import { constructComponent } from "./components";

const settings = runtimeSettings as typeof runtimeSettings & { awaitFeatureSupport(): Promise<void>; waitForRPCs(): Promise<void> };
const withLocalStorage = (runtimeState as unknown as { withLocalStorage<T>(body: () => Promise<T>): Promise<T> }).withLocalStorage;
const deserializeInputs = (
  providerServer as unknown as { deserializeInputs(inputs: Struct | undefined, dependencies: ReturnType<proto.ConstructRequest["getInputdependenciesMap"]>): Promise<Record<string, unknown>> }
).deserializeInputs;

/** An Output's value (every output of a construct is awaited before it answers, as in the SDK). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** The resource options the engine sent, as the SDK's construct rebuilds them. */
function optionsOf(request: proto.ConstructRequest): pulumi.ComponentResourceOptions {
  const aliases: pulumi.Input<string | pulumi.Alias>[] = [];
  for (const alias of request.getAliasesList()) {
    if (alias.hasUrn()) aliases.push(alias.getUrn());
    else if (alias.hasSpec()) {
      const spec = alias.getSpec()!;
      const entry: pulumi.Alias = {};
      if (spec.getName()) entry.name = spec.getName();
      if (spec.getProject()) entry.project = spec.getProject();
      if (spec.getStack()) entry.stack = spec.getStack();
      if (spec.hasParenturn()) entry.parent = spec.getParenturn();
      else if (spec.getNoparent()) entry.parent = pulumi.rootStackResource;
      aliases.push(entry);
    }
  }
  const providers: Record<string, pulumi.ProviderResource> = {};
  for (const [pkg, ref] of request.getProvidersMap().entries()) providers[pkg] = new pulumi.DependencyProviderResource(ref);
  const customTimeouts = request.getCustomtimeouts()?.toObject();
  return {
    aliases,
    dependsOn: request.getDependenciesList().map((urn) => new pulumi.DependencyResource(urn)),
    protect: request.getProtect(),
    providers,
    parent: request.getParent() ? new pulumi.DependencyResource(request.getParent()) : undefined,
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    customTimeouts,
    retainOnDelete: request.getRetainondelete(),
  };
}

/**
 * Failures of child registrations surface as unhandled rejections (as in a program): while a
 * construct is in flight they fail it, as the SDK's server does, instead of ending the plugin.
 */
const inFlight = new Set<(error: unknown) => void>();
let handlerInstalled = false;
function failInFlight(error: unknown): void {
  if (inFlight.size === 0) {
    // What Node does without a handler.
    process.stderr.write(`pulumi-resource-fulfillment: unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
  for (const fail of inFlight) fail(error);
}

export async function construct(request: proto.ConstructRequest, engineAddress: string | undefined): Promise<proto.ConstructResponse> {
  if (!engineAddress) throw new Error("Construct: the engine's address is not known (no handshake)");
  if (!handlerInstalled) {
    handlerInstalled = true;
    process.on("unhandledRejection", failInFlight);
  }
  return withLocalStorage(
    () =>
      new Promise<proto.ConstructResponse>((resolve, reject) => {
        inFlight.add(reject);
        run(request, engineAddress).then(resolve, reject).finally(() => inFlight.delete(reject));
      }),
  );
}

async function run(request: proto.ConstructRequest, engineAddress: string): Promise<proto.ConstructResponse> {
  // The runtime's settings are process-wide: every construct sets them from its own request.
  settings.resetOptions(request.getProject(), request.getStack(), request.getParallel(), engineAddress, request.getMonitorendpoint(), request.getDryrun(), request.getOrganization());
  await settings.awaitFeatureSupport();
  runtimeConfig.setAllConfig(Object.fromEntries(request.getConfigMap().entries()), request.getConfigsecretkeysList());
  const inputs = await deserializeInputs(request.getInputs(), request.getInputdependenciesMap());
  const type = request.getType();
  const name = request.getName();
  const { urn, state } = constructComponent(type, name, inputs, optionsOf(request));

  const response = new proto.ConstructResponse();
  response.setUrn(await valueOf(urn));
  const [serialized, dependencies] = await rpc.serializeResourceProperties(`construct(${type}, ${name})`, state);
  const map = response.getStatedependenciesMap();
  for (const [key, resources] of dependencies) {
    const deps = new proto.ConstructResponse.PropertyDependencies();
    deps.setUrnsList(await Promise.all([...resources].map((resource) => valueOf(resource.urn))));
    map.set(key, deps);
  }
  response.setState(Struct.fromJavaScript(serialized as Parameters<typeof Struct.fromJavaScript>[0]));
  // Every child's registration has to be done before the engine hears the component is.
  await settings.waitForRPCs();
  return response;
}
