// Pulumi serializes each dynamic provider's code into the state. The object built here
// captures nothing but a module path: every method requires the real implementation
// from the installed package at run time, so no client, credential or large module is
// ever serialized, and provider fixes reach existing stacks without a replace.
/* eslint-disable @typescript-eslint/no-require-imports -- requiring at run time, inside the methods, is what keeps the serialized provider small and free of captured state */
import * as pulumi from "@pulumi/pulumi";

/** The package name the serialized providers require at run time. */
export const PACKAGE = "pulumi-fulfillment";

export interface ProviderImplementation {
  check?: pulumi.dynamic.ResourceProvider["check"];
  diff?: pulumi.dynamic.ResourceProvider["diff"];
  create: pulumi.dynamic.ResourceProvider["create"];
  read?: pulumi.dynamic.ResourceProvider["read"];
  update?: pulumi.dynamic.ResourceProvider["update"];
  delete?: pulumi.dynamic.ResourceProvider["delete"];
}

/** `implementationModule` is relative to the package root, e.g. `dist/resources/clusterProvider`. */
export function delegatingProvider(implementationModule: string): pulumi.dynamic.ResourceProvider {
  const modulePath = `pulumi-fulfillment/${implementationModule}`;
  // The methods must stay self-contained: Pulumi serializes them (and modulePath) into the state.
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      require("pulumi-fulfillment/dist/toolkit/stackConfig").rememberStackConfig(req.config);
    },
    async check(olds: unknown, news: unknown) {
      const impl = require(modulePath) as ProviderImplementation;
      return impl.check ? impl.check(olds, news) : { inputs: news };
    },
    async diff(id: string, olds: unknown, news: unknown) {
      return (require(modulePath) as Required<ProviderImplementation>).diff(id, olds, news);
    },
    async create(inputs: unknown) {
      return (require(modulePath) as ProviderImplementation).create(inputs);
    },
    async read(id: string, props: unknown) {
      return (require(modulePath) as Required<ProviderImplementation>).read(id, props);
    },
    async update(id: string, olds: unknown, news: unknown) {
      return (require(modulePath) as Required<ProviderImplementation>).update(id, olds, news);
    },
    async delete(id: string, props: unknown) {
      return (require(modulePath) as Required<ProviderImplementation>).delete(id, props);
    },
  };
}

/**
 * Adoption for dynamic resources. The engine's import step calls Read with no properties,
 * so the Node.js dynamic provider host cannot load the provider's code (it lives in the
 * properties) and `import:` fails before any provider runs. Instead, the resource classes
 * move `import: <id>` into an `adoptId` input; `create` then takes over the existing object
 * (checking it matches the program, updating what may change in place) instead of
 * creating one. Later runs ignore `adoptId`, so removing the option changes nothing.
 */
export function moveImportToAdoption(
  props: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  if (!opts?.import) return opts ?? {};
  const { import: adoptId, ...rest } = opts;
  props.adoptId = adoptId;
  return rest;
}

/**
 * What every fulfillment resource class hands to `pulumi.dynamic.Resource`: credentials
 * among the inputs wrapped as secrets (so the state never holds them in plaintext),
 * output-only properties declared, `import` turned into adoption, and the secret outputs
 * the engine must encrypt.
 */
export function resourceArguments(
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
  spec: { secretInputs: readonly string[]; secretOutputs: readonly string[]; outputs?: readonly string[] },
): { props: Record<string, unknown>; options: pulumi.CustomResourceOptions } {
  const props: Record<string, unknown> = { ...args };
  for (const key of spec.secretInputs) {
    if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
  }
  for (const output of spec.outputs ?? []) props[output] = undefined;
  const options = moveImportToAdoption(props, opts);
  return { props, options: { ...options, additionalSecretOutputs: [...(options.additionalSecretOutputs ?? []), ...spec.secretOutputs] } };
}
