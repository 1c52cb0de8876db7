// The calls every object service of both generations has in the same shape: Get, List,
// Create, Update with a mask and Delete over `object` / `items`. An adapter names the
// methods, the message mapping and the mask paths; this is the one place they are called.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { ServerStreamingMethod, UnaryMethod } from "../../proto/grpc";
import type { ClusterWatchHandlers } from "./api";
import type { Cluster, ClusterProgress } from "./domain";
import type { FulfillmentClient } from "../client";
import { adminOnly, chunks, clusterEventType, clusterEventsFilter, deleted, idsFilter, MAX_IDS_PER_CALL, nameFilter, orUndefined } from "./mapping";

/** The standard methods of one object service. */
export interface ObjectMethods {
  get: UnaryMethod;
  list: UnaryMethod;
  create: UnaryMethod;
  update: UnaryMethod;
  delete: UnaryMethod;
}

export interface ObjectMapping<W, D extends { id: string }, F extends string> {
  /** Where Get and List go. */
  read: ObjectMethods;
  /** Where Create, Update and Delete go (osac: the private API for what the public one ignores masks on). */
  write: ObjectMethods;
  toDomain(message: W): D;
  toWire(object: D): object;
  /** The mask path of each domain field an update may change. */
  paths: Record<F, string>;
}

export interface ObjectCalls<D, F extends string> {
  get(id: string): Promise<D | undefined>;
  list(): Promise<D[]>;
  listByName(name: string): Promise<D[]>;
  create(object: D): Promise<D>;
  update(object: D, fields: F[]): Promise<D>;
  /** false when it was already gone. */
  delete(id: string): Promise<boolean>;
}

// The methods are typed by the adapter's mapping (W is the message the mapping reads), so
// the responses are read through that type here rather than through each generated one.
const request = (init: object) => init as MessageInitShape<DescMessage>;

export function objectCalls<W, D extends { id: string }, F extends string>(client: FulfillmentClient, mapping: ObjectMapping<W, D, F>): ObjectCalls<D, F> {
  const one = (response: unknown): D => mapping.toDomain((response as { object?: W }).object as W);
  const many = (response: unknown): D[] => (response as { items: W[] }).items.map((item) => mapping.toDomain(item));
  const { read, write } = mapping;
  return {
    get: (id) => orUndefined(async () => one(await client.call(read.get, request({ id }), { objectId: id }))),
    list: async () => many(await client.call(read.list, request({}))),
    listByName: async (name) => many(await client.call(read.list, request({ filter: nameFilter(name) }))),
    create: async (object) => one(await client.call(write.create, request({ object: mapping.toWire(object) }), { objectId: object.id, idempotent: false })),
    update: async (object, fields) =>
      one(await client.call(write.update, request({ object: mapping.toWire(object), updateMask: { paths: fields.map((f) => mapping.paths[f]) } }), { objectId: object.id })),
    delete: (id) => deleted(() => client.call(write.delete, request({ id }), { objectId: id })),
  };
}

export interface ClusterMethods {
  get: UnaryMethod;
  delete: UnaryMethod;
  getKubeconfig: UnaryMethod;
  getPassword: UnaryMethod;
}

/** The cluster calls that are the same in both generations; Create and Update are each adapter's own. */
export function clusterReadCalls<W, D>(client: FulfillmentClient, methods: { public: ClusterMethods; private: { get: UnaryMethod; list: UnaryMethod } }, toDomain: (message: W) => D) {
  const call = async <R>(method: UnaryMethod, id: string): Promise<R> => (await client.call(method, request({ id }), { objectId: id })) as unknown as R;
  return {
    /** The hubs of these clusters, by one private List per 1000 ids; empty when this token may not read the admin API. */
    hubsOf: (ids: readonly string[]) =>
      adminOnly(async () => {
        const hubs = new Map<string, string>();
        for (const part of chunks(ids, MAX_IDS_PER_CALL)) {
          const response = (await client.call(methods.private.list, request({ filter: idsFilter(part), limit: part.length }))) as unknown as { items: Array<{ id: string; status?: { hub?: string } }> };
          for (const item of response.items) hubs.set(item.id, item.status?.hub ?? "");
        }
        return hubs;
      }, new Map<string, string>()),
    get: (id: string) => orUndefined(async () => toDomain((await call<{ object?: W }>(methods.public.get, id)).object as W)),
    delete: (id: string) => deleted(() => call(methods.public.delete, id)),
    kubeconfig: async (id: string) => (await call<{ kubeconfig: string }>(methods.public.getKubeconfig, id)).kubeconfig,
    password: async (id: string) => (await call<{ password: string }>(methods.public.getPassword, id)).password,
  };
}

interface ClusterEventMessage {
  event?: { type: number; payload: { case: string | undefined; value?: unknown } };
}

/**
 * What cluster waits ask of either generation: its Events.Watch stream and a List by ids,
 * each mapped to ClusterProgress, so only the fields a wait needs leave the adapter; and
 * the same List of whole clusters, for reads of many clusters at once (refresh).
 */
export function clusterWatchCalls<W extends { id: string }>(
  client: FulfillmentClient,
  methods: { watch: ServerStreamingMethod; list: UnaryMethod },
  progress: (message: W) => ClusterProgress,
  whole: (message: W) => Cluster,
) {
  const listByIds = async <T>(ids: readonly string[], map: (message: W) => T): Promise<Map<string, T>> => {
    const found = new Map<string, T>();
    for (const part of chunks(ids, MAX_IDS_PER_CALL)) {
      const response = (await client.call(methods.list, request({ filter: idsFilter(part), limit: part.length }))) as unknown as { items: W[] };
      for (const item of response.items) found.set(item.id, map(item));
    }
    return found;
  };
  return {
    watch: (ids: readonly string[] | undefined, handlers: ClusterWatchHandlers, signal: AbortSignal): Promise<void> =>
      client.stream(
        methods.watch,
        request({ filter: clusterEventsFilter(ids && ids.length <= MAX_IDS_PER_CALL ? ids : undefined) }),
        {
          onOpen: handlers.onOpen,
          onMessage: (response) => {
            const event = (response as unknown as ClusterEventMessage).event;
            const type = clusterEventType(event?.type ?? 0);
            // The payload itself is dropped here.
            if (type && event?.payload.case === "cluster") handlers.onEvent({ type, cluster: progress(event.payload.value as W) });
          },
        },
        { signal },
      ),
    progressOf: (ids: readonly string[]): Promise<Map<string, ClusterProgress>> => listByIds(ids, progress),
    getMany: (ids: readonly string[]): Promise<Map<string, Cluster>> => listByIds(ids, whole),
  };
}
