// `pulumi-resource-fulfillment`: the ResourceProvider gRPC service over the same resource
// modules as the dynamic resources, written on the SDK's generated stubs because the stock
// `@pulumi/pulumi/provider` server drops what this plugin exists for: detailedDiff, the
// engine's customTimeouts, Read with only an id (import), and status on the resource's row.
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { rememberStackConfig } from "../toolkit/stackConfig";
import { OperationCancelledError, runInOperation, type OperationContext } from "../toolkit/operation";
import { errorMessage } from "../toolkit/common";
import { packageSchema } from "./schema";
import { PLUGIN_VERSION } from "./version";
import { EngineLog } from "./engineLog";
import { resourceTypeOf } from "./registry";
import { changedInputs, detailedDiff } from "./detailedDiff";
import { toStructValue, unwrapSecrets, wrapSecrets } from "./values";
import { construct } from "./construct";

type Props = Record<string, unknown>;
type Handler = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

function struct(props: Props): Struct {
  return Struct.fromJavaScript(toStructValue(props) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function plain(value: Struct | undefined): { plain: Props; secretKeys: Set<string> } {
  return unwrapSecrets((value?.toJavaScript() ?? {}) as Props);
}

/**
 * The engine's resource-init failure: the object exists but its wait failed. The id and
 * properties travel in the status details, so the resource stays in the state.
 */
function initFailureStatus(error: Error & { id: string; properties?: Props; reasons?: string[] }, secrets: Iterable<string>): grpc.ServiceError {
  const detail = new proto.ErrorResourceInitFailed();
  detail.setId(error.id);
  detail.setProperties(struct(wrapSecrets(error.properties ?? {}, secrets)));
  detail.setReasonsList(error.reasons ?? [error.message]);
  const any = new Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(error.message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return Object.assign(new Error(error.message), { code: grpc.status.UNKNOWN, details: error.message, metadata });
}

function failure(error: unknown, secrets: Iterable<string> = []): grpc.ServiceError {
  const withId = error as Error & { id?: unknown };
  if (error instanceof Error && typeof withId.id === "string" && withId.id) {
    return initFailureStatus(withId as Error & { id: string }, secrets);
  }
  const message = errorMessage(error);
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata: new grpc.Metadata() });
}

function unary<Req, Res>(body: (request: Req) => Promise<Res>, secretsOnError: (request: Req) => Iterable<string> = () => []): Handler {
  return (call, callback) => {
    const request = call.request as Req;
    body(request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(failure(error, secretsOnError(request))),
    );
  };
}

function unimplemented(what: string): Handler {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by pulumi-resource-fulfillment`, name: "UNIMPLEMENTED", message: what });
}

/** Seconds from the engine (0 = none given) to milliseconds. */
function timeoutFrom(seconds: number): number | undefined {
  return seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

/** Configure's arguments as the `fulfillment:<key>` reader the dynamic host's configure gets. */
function configReader(request: proto.ConfigureRequest): { get(key: string): string | undefined } {
  const args = plain(request.getArgs()).plain;
  const variables = request.getVariablesMap();
  return {
    get(key: string) {
      const short = key.replace(/^fulfillment:/, "");
      const value = args[short];
      if (value !== undefined && value !== null && value !== "") return typeof value === "string" ? value : JSON.stringify(value);
      return variables.get(`fulfillment:config:${short}`) ?? undefined;
    },
  };
}

export interface ProviderServer {
  port: number;
  stop(): Promise<void>;
}

export function providerService(engineAddress: string | undefined): grpc.UntypedServiceImplementation {
  const engine = new EngineLog();
  if (engineAddress) engine.connect(engineAddress);
  // Construct configures the SDK's runtime with it, as the stock provider server does.
  let engineAt = engineAddress;
  const running = new Set<AbortController>();

  /** Runs one resource operation with its progress on the resource's row and the engine's timeout. */
  const operation = async <T>(urn: string, timeoutSeconds: number, body: () => Promise<T>, kind?: OperationContext["kind"]): Promise<T> => {
    const controller = new AbortController();
    running.add(controller);
    try {
      return await runInOperation(
        { progress: (line) => engine.status(urn, line), timeoutMs: timeoutFrom(timeoutSeconds), signal: controller.signal, kind },
        body,
      );
    } finally {
      running.delete(controller);
      await engine.flush();
    }
  };

  const handlers: Record<string, Handler> = {
    handshake: unary(async (request: proto.ProviderHandshakeRequest) => {
      engineAt = request.getEngineAddress();
      engine.connect(engineAt);
      const response = new proto.ProviderHandshakeResponse();
      response.setAcceptSecrets(true);
      response.setAcceptResources(false);
      response.setAcceptOutputs(false);
      return response;
    }),
    attach: unary(async (request: { getAddress(): string }) => {
      engineAt = request.getAddress();
      engine.connect(engineAt);
      return new Empty();
    }),
    getPluginInfo: unary(async () => new PluginInfo().setVersion(PLUGIN_VERSION)),
    getSchema: unary(async (request: proto.GetSchemaRequest) => {
      if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
      return new proto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema()));
    }),
    checkConfig: unary(async (request: proto.CheckRequest) => new proto.CheckResponse().setInputs(request.getNews())),
    diffConfig: unary(async (request: proto.DiffRequest) => {
      const olds = plain(request.getOldInputs()).plain;
      const news = plain(request.getNews()).plain;
      const changed = Object.keys(changedInputs(olds, olds, news)).filter((k) => k !== "version");
      return new proto.DiffResponse().setChanges(changed.length ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
    }),
    configure: unary(async (request: proto.ConfigureRequest) => {
      rememberStackConfig(configReader(request));
      const response = new proto.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(false);
      response.setAcceptresources(false);
      response.setAcceptoutputs(false);
      return response;
    }),
    check: unary(async (request: proto.CheckRequest) => {
      const type = resourceTypeOf(request.getUrn());
      const olds = plain(request.getOlds());
      const news = plain(request.getNews());
      const result = await operation(request.getUrn(), 0, () => type.module.check(olds.plain, news.plain));
      const response = new proto.CheckResponse();
      response.setInputs(struct(wrapSecrets((result.inputs ?? news.plain) as Props, [...news.secretKeys, ...type.secrets])));
      for (const f of result.failures ?? []) {
        response.addFailures(new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
      }
      return response;
    }),
    diff: unary(async (request: proto.DiffRequest) => {
      const type = resourceTypeOf(request.getUrn());
      const olds = plain(request.getOlds()).plain;
      const oldInputs = plain(request.getOldInputs()).plain;
      const news = plain(request.getNews()).plain;
      const verdict = await operation(request.getUrn(), 0, () => type.module.diff(request.getId(), olds, news));
      const changes = verdict.changes === true;
      const replaces = verdict.replaces ?? [];
      const paths = changes ? (type.changedPaths ? type.changedPaths(olds, news) : changedInputs(olds, oldInputs, news)) : {};
      const response = new proto.DiffResponse();
      response.setChanges(
        verdict.changes === undefined
          ? proto.DiffResponse.DiffChanges.DIFF_UNKNOWN
          : changes
            ? proto.DiffResponse.DiffChanges.DIFF_SOME
            : proto.DiffResponse.DiffChanges.DIFF_NONE,
      );
      response.setReplacesList([...replaces]);
      response.setDeletebeforereplace(verdict.deleteBeforeReplace === true);
      const detailed = detailedDiff({ changes, replaces }, paths, { ...olds, ...oldInputs }, news);
      const map = response.getDetaileddiffMap();
      for (const [path, change] of Object.entries(detailed)) {
        map.set(path, new proto.PropertyDiff().setKind(change.kind as proto.PropertyDiff.Kind).setInputdiff(change.inputDiff));
      }
      response.setDiffsList(Object.keys(detailed).map((path) => path.split(".")[0]).filter((k, i, all) => all.indexOf(k) === i));
      response.setHasdetaileddiff(Object.keys(detailed).length > 0 || !changes);
      return response;
    }),
    create: unary(
      async (request: proto.CreateRequest) => {
        const type = resourceTypeOf(request.getUrn());
        const news = plain(request.getProperties());
        // A preview's plan of a create: the inputs are all that is known (outputs stay unknown).
        if (request.getPreview()) return new proto.CreateResponse().setProperties(struct(wrapSecrets(news.plain, [...news.secretKeys, ...type.secrets])));
        const result = await operation(request.getUrn(), request.getTimeout(), () => type.module.create(news.plain), "create");
        const response = new proto.CreateResponse();
        response.setId(result.id);
        response.setProperties(struct(wrapSecrets((result.outs ?? {}) as Props, [...news.secretKeys, ...type.secrets])));
        return response;
      },
      (request) => [...plain(request.getProperties()).secretKeys, ...resourceTypeOf(request.getUrn()).secrets],
    ),
    read: unary(async (request: proto.ReadRequest) => {
      const type = resourceTypeOf(request.getUrn());
      const props = plain(request.getProperties());
      const inputs = plain(request.getInputs());
      // Import sends only the id: the modules then read the object as it is on the service.
      const result = await operation(request.getUrn(), 0, () => type.module.read(request.getId(), props.plain));
      const response = new proto.ReadResponse();
      if (!result.id) return response;
      const secrets = [...props.secretKeys, ...inputs.secretKeys, ...type.secrets];
      response.setId(result.id);
      response.setProperties(struct(wrapSecrets((result.props ?? {}) as Props, secrets)));
      response.setInputs(struct(wrapSecrets((result.inputs ?? inputs.plain) as Props, secrets)));
      return response;
    }),
    update: unary(
      async (request: proto.UpdateRequest) => {
        const type = resourceTypeOf(request.getUrn());
        const olds = plain(request.getOlds());
        const news = plain(request.getNews());
        if (request.getPreview()) {
          return new proto.UpdateResponse().setProperties(struct(wrapSecrets({ ...olds.plain, ...news.plain }, [...news.secretKeys, ...olds.secretKeys, ...type.secrets])));
        }
        const result = await operation(request.getUrn(), request.getTimeout(), () => type.module.update(request.getId(), olds.plain, news.plain), "update");
        const response = new proto.UpdateResponse();
        response.setProperties(struct(wrapSecrets((result.outs ?? {}) as Props, [...news.secretKeys, ...olds.secretKeys, ...type.secrets])));
        return response;
      },
      (request) => [...plain(request.getNews()).secretKeys, ...plain(request.getOlds()).secretKeys, ...resourceTypeOf(request.getUrn()).secrets],
    ),
    delete: unary(async (request: proto.DeleteRequest) => {
      const type = resourceTypeOf(request.getUrn());
      const props = plain(request.getProperties());
      await operation(request.getUrn(), request.getTimeout(), () => type.module.delete(request.getId(), props.plain), "delete");
      return new Empty();
    }),
    cancel: unary(async () => {
      // The engine waits for the operations in flight: their waits end now, and each returns
      // what it has (a created cluster's id as a partial failure), so nothing is orphaned.
      for (const controller of running) controller.abort(new OperationCancelledError());
      return new Empty();
    }),
    getMapping: unary(async () => new proto.GetMappingResponse()),
    getMappings: unary(async () => new proto.GetMappingsResponse()),
    parameterize: unimplemented("Parameterize"),
    invoke: unimplemented("Invoke"),
    call: unimplemented("Call"),
    construct: unary((request: proto.ConstructRequest) => construct(request, engineAt)),
  };
  return {
    ...handlers,
    list: (call: grpc.ServerWritableStream<unknown, unknown>) => call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "List is not implemented" }),
  };
}

/** Serves on a loopback port the engine reads from stdout. */
export async function serveProvider(engineAddress: string | undefined): Promise<ProviderServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, providerService(engineAddress));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
