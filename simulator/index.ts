// The fulfillment API simulator: a real gRPC server with the real service's wire
// format, validation, status codes and lifecycle, for tests, demos and local use.
import * as grpc from "@grpc/grpc-js";
import type { Message } from "@bufbuild/protobuf";
import { Clusters as PrivateClusters } from "../proto/gen/private/v1/clusters_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../proto/gen/private/v1/cluster_templates_service_pb";
import { HostClasses as PrivateHostClasses } from "../proto/gen/private/v1/host_classes_service_pb";
import { Hubs } from "../proto/gen/private/v1/hubs_service_pb";
import { Clusters as PublicClusters } from "../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates as PublicTemplates } from "../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses as PublicHostClasses } from "../proto/gen/fulfillment/v1/host_classes_service_pb";
import { Events } from "../proto/gen/events/v1/events_service_pb";
import { Metadata } from "../proto/gen/metadata/v1/metadata_service_pb";
import { Authenticator, type AuthOptions } from "./auth";
import { Controller } from "./controller";
import { EventBus, type LossFilter } from "./events";
import { Faults } from "./faults";
import type { HubOrders } from "./hubOrders";
import { seed, type SeedKind } from "./seed";
import { bind, buildServer, serverCredentials, type ServedApi } from "./server";
import { privateClusterHandlers, publicClusterHandlers } from "./services/clusters";
import { hostClassHandlers, hubHandlers, templateHandlers } from "./services/catalog";
import type { Env } from "./services/crud";
import { eventsStreams } from "./services/events";
import { metadataHandlers } from "./services/metadata";
import { Store } from "./store";
import { KubeHubOrders } from "./kubeHubOrders";
import { setupOsac, type OsacOptions } from "./osac/setup";
import type { OsacEnv } from "./osac/generic";
import type { TokenIssuer } from "./osac/issuer";

export type { HubOrders } from "./hubOrders";
export type { LossFilter } from "./events";
export type { AuthOptions } from "./auth";
export type { OsacOptions } from "./osac/setup";
export type { IssuerClient, IssuerOptions, TokenIssuer } from "./osac/issuer";
export { startIssuer } from "./osac/issuer";
export { FINALIZER, OUTCOME_LABEL, PROVISIONING_LABEL, DELETION_LABEL } from "./controller";

export interface SimulatorOptions {
  /**
   * Which generation of the fulfillment API to serve: "osac" (default, today's service;
   * osac.public.v1, osac.private.v1: JWT auth against trusted issuers, tenancy, versions;
   * see `osac`) or "innabox" (the Jan 2026 service; fulfillment.v1, private.v1).
   */
  api?: "innabox" | "osac";
  /** The osac generation's issuer, tenants and projects. */
  osac?: OsacOptions;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** JSON state file, written after every change and loaded at start. */
  stateFile?: string;
  /** Absent: guest mode, everyone is admin (like `--grpc-authn-type=guest`). innabox only. */
  auth?: AuthOptions;
  /**
   * innabox: what metadata.v1.Metadata/Get advertises in authn.trusted_token_issuers (sorted and
   * de-duplicated, like `--grpc-authn-trusted-token-issuers`). Default none. The
   * simulator does not validate tokens against them; it only announces them.
   * osac: https issuers whose tokens are accepted (JWKS found through OIDC discovery),
   * besides the built-in issuer; Capabilities/Get lists them all.
   */
  trustedTokenIssuers?: string[];
  tls?: { certPem: string; keyPem: string };
  /** Until a new cluster's first controller pass. Default 100. */
  controllerDelayMs?: number;
  /** From landing on a hub to READY. Default 3000. */
  provisioningDelayMs?: number;
  /** From a node set change to status.node_sets matching. Default 1000. */
  nodeSetConvergenceMs?: number;
  /** From Delete to the object being gone. Default 500. */
  deletionDelayMs?: number;
  /**
   * What a fresh state starts with: "server" (default, or true) is what the real server
   * seeds; "catalog" adds ready-made host classes and templates with node sets; false, nothing.
   */
  seed?: boolean | SeedKind;
  /**
   * "kube" (default): ClusterOrders go into the API server each hub's kubeconfig points at,
   * and a hub that cannot take one holds the cluster back as the real controller does.
   * "simulated": the simulator plays the hubs too; no kubeconfig is ever contacted (demos
   * and tests without a Kubernetes API server).
   */
  hubs?: "kube" | "simulated";
  /** Where ClusterOrders go; overrides `hubs`. */
  hubOrders?: HubOrders;
  /** How often the controller revisits a cluster whose last pass failed (the real one resyncs hourly). Default 1 h. */
  resyncMs?: number;
  log?: (line: string) => void;
  /**
   * Sees each API call that passed auth and faults, with its request, before it is answered
   * (benchmarks time the provider's reads by it). The request holds what the caller sent,
   * secrets included: keep it in the process.
   */
  onCall?: (path: string, request: Message) => void;
}

export interface Simulator {
  /** host:port */
  readonly address: string;
  readonly port: number;
  readonly api: "innabox" | "osac";
  /** osac: the built-in token issuer (mint tokens, register OAuth clients, its CA). */
  readonly issuer?: TokenIssuer;
  faults: {
    setLatencyMs(ms: number): void;
    failNext(count: number, code?: number): void;
    /** The next `count` calls of one method (e.g. `/GetKubeconfig`) fail with `code` and `message`. */
    failMethod(method: string, count: number, code: number, message?: string): void;
    /**
     * Ends every open Events.Watch stream (both generations) with UNAVAILABLE, as when the
     * server's connection to its subscribers breaks; logs `events: dropped N Watch stream(s)`.
     */
    dropWatchStreams(): number;
    /**
     * The next `count` object changes (of `kind`, of `type` when given) reach no Watch
     * stream (Infinity: until `loseEvents(0)`); each is logged as `events: lost ...`.
     */
    loseEvents(count: number, filter?: LossFilter): void;
    /**
     * Object changes from now on stay in flight to the Watch streams of the moment until
     * `release()` (as one slow subscriber holds up the real server's fan-out); a stream that
     * ends meanwhile never gets them. Logs `events: holding changes` and `events: released N`.
     */
    holdEvents(): { release(): void };
  };
  /** API calls received so far, by gRPC path (e.g. `/fulfillment.v1.Clusters/Get`), across restarts. */
  calls(): Record<string, number>;
  /** Replaces the accepted tokens on the running server (a token expiring or rotated mid-run); undefined = guest mode. innabox only. */
  setAuth(auth: AuthOptions | undefined): void;
  /** Stops listening, then listens again on the same port with the state reloaded from the file. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Deep copy of the store for assertions. */
  snapshot(): { clusters: unknown[]; templates: unknown[]; hostClasses: unknown[]; hubs: unknown[] };
}

const DEFAULTS = {
  controllerDelayMs: 100,
  provisioningDelayMs: 3000,
  nodeSetConvergenceMs: 1000,
  deletionDelayMs: 500,
};

function delay(options: SimulatorOptions, name: keyof typeof DEFAULTS): number {
  const value = options[name] ?? DEFAULTS[name];
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of milliseconds, got ${value}`);
  return value;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => undefined);
  const api = options.api ?? "osac";
  if (api !== "innabox" && api !== "osac") throw new Error(`api must be "innabox" or "osac", got ${String(api)}`);
  if (api === "osac" && options.auth) throw new Error("the osac generation has no static tokens: use the issuer (osac.issuer) or trustedTokenIssuers");
  const controllerOptions = {
    controllerDelayMs: delay(options, "controllerDelayMs"),
    provisioningDelayMs: delay(options, "provisioningDelayMs"),
    nodeSetConvergenceMs: delay(options, "nodeSetConvergenceMs"),
    deletionDelayMs: delay(options, "deletionDelayMs"),
    hubOrders: options.hubOrders ?? (options.hubs === "simulated" ? undefined : new KubeHubOrders({ generation: api })),
    resyncMs: options.resyncMs ?? 3_600_000,
    log,
  };
  const auth = new Authenticator(options.auth);
  const faults = new Faults();
  // Outlives restarts: a store swapped in on restart publishes to the same bus.
  const events = new EventBus(log);
  const credentials = serverCredentials(options.tls);
  const osac = api === "osac" ? await setupOsac({ ...options, events }) : undefined;

  const openStore = (): Store => {
    if (osac) return osac.openStore();
    const store = new Store(options.stateFile, events);
    if (!store.load() && options.seed !== false) {
      seed(store, options.seed === true || options.seed === undefined ? "server" : options.seed);
      store.commit();
    }
    return store;
  };
  const makeEnv = (store: Store): Env => (osac ? osac.env(store, controllerOptions) : { store, controller: new Controller(store, controllerOptions) });
  let env: Env = makeEnv(openStore());
  const current = (): Env => env;

  const templates = templateHandlers(current);
  const hostClasses = hostClassHandlers(current);
  const apis: ServedApi[] = osac ? osac.apis(current as () => OsacEnv) : [
    { service: PublicClusters, handlers: publicClusterHandlers(current) },
    { service: PublicTemplates, handlers: templates.publicApi },
    { service: PublicHostClasses, handlers: hostClasses.publicApi },
    { service: Hubs, handlers: hubHandlers(current) },
    { service: PrivateClusters, handlers: privateClusterHandlers(current) },
    { service: PrivateTemplates, handlers: templates.privateApi },
    { service: PrivateHostClasses, handlers: hostClasses.privateApi },
    { service: Metadata, handlers: metadataHandlers(options.trustedTokenIssuers) },
    { service: Events, handlers: {}, streams: eventsStreams(events, log) },
  ];
  const calls = new Map<string, number>();
  const newServer = () => buildServer({ apis, auth: osac?.auth ?? auth, faults, tls: options.tls, log, calls, onCall: options.onCall });

  let server = newServer();
  const port = await bind(server, joinHostPort(host, options.port ?? 0), credentials);
  const address = joinHostPort(host, port);
  env.controller.start();
  const mode = osac ? `, osac API, token issuer ${osac.issuer?.url ?? "none"}` : options.auth ? "" : ", guest mode";
  log(`listening on ${address}${options.tls ? " (TLS)" : " (plaintext)"}${mode}`);

  let stopped = false;
  return {
    address,
    port,
    api,
    issuer: osac?.issuer,
    faults: {
      setLatencyMs: (ms) => faults.setLatencyMs(ms),
      failNext: (count, code) => faults.failNext(count, code),
      failMethod: (method, count, code, message) => faults.failMethod(method, count, code, message),
      dropWatchStreams: () => {
        const dropped = events.disconnectAll();
        log(`events: dropped ${dropped} Watch stream(s) (fault injection)`);
        return dropped;
      },
      loseEvents: (count, filter) => events.loseNext(count, filter),
      holdEvents: () => {
        const held = events.hold();
        log("events: holding changes (fault injection)");
        return { release: () => log(`events: released ${held.release()} held change(s)`) };
      },
    },
    calls: () => Object.fromEntries(calls),
    setAuth: (next) => {
      if (osac) throw new Error("the osac generation has no static tokens: mint tokens with the issuer");
      auth.replaceTokens(next);
    },
    async restart() {
      if (stopped) throw new Error("the simulator has been stopped");
      env.controller.stop();
      events.disconnectAll();
      server.forceShutdown();
      // Without a state file the memory is the state: keep it, as a restarted
      // process would keep its database.
      let store = env.store;
      if (options.stateFile) {
        store.close();
        store = openStore();
      }
      env = makeEnv(store);
      server = newServer();
      await bindWithRetry(server, address, credentials);
      env.controller.start();
      log(`restarted on ${address}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      env.controller.stop();
      env.store.close();
      // Open Watch streams would otherwise hold the graceful shutdown until it times out.
      events.disconnectAll();
      await osac?.close();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    snapshot: () => env.store.snapshot(),
  };
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The old listener's socket may take a moment to be released. */
async function bindWithRetry(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await bind(server, address, credentials);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
