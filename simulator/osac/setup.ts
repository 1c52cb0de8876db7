// Everything `startSimulator({ api: "osac" })` needs beyond the shared parts: the built-in
// token issuer, the trusted issuers, tenants and projects, the osac store (osac.private.v1
// schemas, metadata.version tracking, osac seed), the controller model, and the services.
import type { Controller, ControllerOptions } from "../controller";
import { Controller as SharedController } from "../controller";
import type { EventBus } from "../events";
import type { SeedKind } from "../seed";
import type { ServedApi } from "../server";
import { Store } from "../store";
import { discoveredKeys, OsacAuthenticator, type KeySource } from "./auth";
import { OSAC_CLUSTER_MODEL } from "./controllerModel";
import type { OsacEnv } from "./generic";
import { startIssuer, type IssuerOptions, type TokenIssuer } from "./issuer";
import { osacSchemas } from "./model";
import { seedOsac } from "./seed";
import { osacApis } from "./services";
import { Directory } from "./tenancy";
import { trackVersions } from "./versions";

export interface OsacOptions {
  /**
   * The built-in https token issuer (always trusted), `false` for none: then
   * `trustedTokenIssuers` must name one, as the real server refuses to start without.
   */
  issuer?: IssuerOptions | false;
  /** PEM CAs to trust, besides the system ones, when fetching the discovery documents and JWKS of `trustedTokenIssuers`. */
  issuerCaPems?: string[];
  /** Tenants besides `system` and `shared` (each gets its default project ''); the organizations of registered issuer clients are added. */
  tenants?: string[];
  /** More projects (their tenants are created too). */
  projects?: Array<{ tenant: string; name: string }>;
  /** Namespace of the service, for the emergency service accounts (`system:serviceaccount:<ns>:<name>`). Default `osac`. */
  namespace?: string;
  /** Default admin, osac-operator, osac-operator-controller-manager, template-publisher. */
  emergencyServiceAccounts?: string[];
  /**
   * Whether Capabilities.Get lists the trusted issuers (default true). false: a deployment
   * that trusts issuers but advertises none, so clients must be told which issuer to use.
   */
  advertiseIssuers?: boolean;
}

export interface OsacSetup {
  issuer?: TokenIssuer;
  /** The issuers whose tokens are accepted (Capabilities.Get lists them unless `advertiseIssuers` is false). */
  issuers: string[];
  directory: Directory;
  auth: OsacAuthenticator;
  openStore(): Store;
  env(store: Store, controllerOptions: ControllerOptions): OsacEnv;
  apis(env: () => OsacEnv): ServedApi[];
  close(): Promise<void>;
}

export interface OsacSetupInput {
  osac?: OsacOptions;
  trustedTokenIssuers?: string[];
  stateFile?: string;
  seed?: boolean | SeedKind;
  events: EventBus;
  log?: (line: string) => void;
}

export async function setupOsac(input: OsacSetupInput): Promise<OsacSetup> {
  const options = input.osac ?? {};
  const issuer = options.issuer === false ? undefined : await startIssuer(options.issuer ?? {});
  const sources = new Map<string, KeySource>();
  if (issuer) sources.set(issuer.url, () => issuer.jwks());
  for (const url of input.trustedTokenIssuers ?? []) {
    if (!url.startsWith("https://")) throw new Error(`trusted token issuer '${url}' must be an https URL`);
    if (!sources.has(url)) sources.set(url, discoveredKeys(url, options.issuerCaPems));
  }
  if (sources.size === 0) {
    await issuer?.close();
    throw new Error("failed to create JWKS cache: at least one issuer must be configured");
  }
  const organizations = (options.issuer ? options.issuer.clients ?? [] : []).flatMap((client) => tenantsOf(client.claims?.organization));
  const directory = new Directory([...(options.tenants ?? []), ...organizations], options.projects ?? []);
  const auth = new OsacAuthenticator({
    issuers: sources,
    directory,
    namespace: options.namespace,
    emergencyServiceAccounts: options.emergencyServiceAccounts,
  });
  return {
    issuer,
    issuers: [...sources.keys()].sort(),
    directory,
    auth,
    openStore() {
      const store = new Store(input.stateFile, input.events, osacSchemas);
      // Projects made through the API survive a restart with a state file, as the objects in them do.
      store.persistSection("projects", () => directory.savedProjects(), (saved) => directory.restoreProjects(saved));
      if (!store.load() && input.seed !== false) {
        seedOsac(store, input.seed === true || input.seed === undefined ? "server" : input.seed);
      }
      trackVersions(store);
      store.commit();
      return store;
    },
    env(store, controllerOptions) {
      const controller: Controller = new SharedController(store, {
        ...controllerOptions,
        pushesChangesAfterReady: true,
        model: OSAC_CLUSTER_MODEL,
      });
      return { store, controller, directory };
    },
    apis: (env) => osacApis(env, options.advertiseIssuers === false ? [] : [...sources.keys()].sort(), input.events, input.log ?? (() => undefined)),
    close: async () => issuer?.close(),
  };
}

function tenantsOf(organization: unknown): string[] {
  if (Array.isArray(organization)) return organization.filter((item): item is string => typeof item === "string");
  if (organization && typeof organization === "object") return Object.keys(organization);
  return [];
}
