// events.v1.Events/Watch over real gRPC, as the real fulfillment-cli's `get --watch`
// uses it: CREATED/UPDATED/DELETED of clusters and templates with their public payload,
// CEL filters over `event` (compile errors, enum constants, non-bool results), and the
// deployment's auth policy (admins only).
//
// Absence is never proven by sleeping. Watches of one test share a channel and are
// opened one after the other (each once the server has sent its headers, i.e. has
// subscribed), so the server writes a change to them in that order on one connection:
// once a later, unfiltered watch has received a change, an earlier watch has received it
// too if it was sent to it at all.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { serverStreamingCall } from "../../proto/grpc";
import { Events } from "../../proto/gen/events/v1/events_service_pb";
import { EventType, type Event } from "../../proto/gen/events/v1/event_type_pb";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { ClusterState } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { HostClasses as PrivateHostClasses } from "../../proto/gen/private/v1/host_classes_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/private/v1/cluster_templates_service_pb";
import { startSimulator, type Simulator } from "../../simulator";
import { grpcError, RawClient } from "../helpers/grpcRaw";

const ADMIN = "admin-token";
const CLIENT = "client-token";

let sim: Simulator;
let api: RawClient;

beforeAll(async () => {
  sim = await startSimulator({ api: "innabox",
    auth: { adminTokens: [ADMIN], clientTokens: [CLIENT] },
    seed: false,
    controllerDelayMs: 20,
    deletionDelayMs: 50,
  });
  api = new RawClient(sim.address, { token: ADMIN });
  await api.call(PrivateHostClasses.method.create, { object: { id: "ev-hc", title: "Events" } });
  await api.call(PrivateTemplates.method.create, {
    object: { id: "ev-tpl", title: "Events template", nodeSets: { workers: { hostClass: "ev-hc", size: 1 } } },
  });
});

afterAll(async () => {
  api.close();
  await sim.stop();
});

const payloadId = (event: Event): string | undefined => event.payload.value?.id;
const describeEvent = (event: Event): string => `${EventType[event.type]} ${event.payload.case ?? "(no payload)"} ${payloadId(event) ?? ""}`;

/** One Watch call: collects events, and waits for them instead of sleeping. */
class Watcher {
  readonly events: Event[] = [];
  /** The server has subscribed (it sends headers right after). */
  readonly ready: Promise<void>;
  /** How the call ended: the status error, or undefined for OK. */
  readonly ended: Promise<grpc.ServiceError | undefined>;
  private readonly call: grpc.ClientReadableStream<{ event?: Event }>;
  private readonly waiters = new Set<() => void>();

  /** `token` null: no authorization header. */
  constructor(client: grpc.Client, filter?: string, token: string | null = ADMIN) {
    const metadata = new grpc.Metadata();
    if (token !== null) metadata.set("authorization", `Bearer ${token}`);
    this.call = serverStreamingCall(client, Events.method.watch, filter === undefined ? {} : { filter }, metadata);
    this.ended = new Promise((resolve) => {
      this.call.on("error", (error: grpc.ServiceError) => resolve(error));
      this.call.on("end", () => resolve(undefined));
    });
    this.ready = new Promise((resolve, reject) => {
      this.call.once("metadata", () => resolve());
      void this.ended.then((error) => reject(error ?? new Error("the stream ended before its headers")));
    });
    this.ready.catch(() => undefined);
    this.call.on("data", (response: { event?: Event }) => {
      if (response.event) this.events.push(response.event);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** The first event received (already or later) that matches. */
  waitFor(match: (event: Event) => boolean, what: string, timeoutMs = 5000): Promise<Event> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(match);
        if (!found) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.events.map(describeEvent).join(", ") || "nothing"}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) this.waiters.add(wake);
    });
  }

  waitForType(type: EventType, id: string): Promise<Event> {
    return this.waitFor((event) => event.type === type && payloadId(event) === id, `${EventType[type]} of '${id}'`);
  }

  of(id: string): Event[] {
    return this.events.filter((event) => payloadId(event) === id);
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** Watches on one channel, cancelled and closed together. */
async function withWatches<T>(body: (open: (filter?: string, token?: string | null) => Promise<Watcher>) => Promise<T>): Promise<T> {
  const client = new grpc.Client(sim.address, grpc.credentials.createInsecure());
  const watchers: Watcher[] = [];
  try {
    return await body(async (filter, token) => {
      const watcher = new Watcher(client, filter, token);
      watchers.push(watcher);
      await watcher.ready;
      return watcher;
    });
  } finally {
    for (const watcher of watchers) watcher.cancel();
    await Promise.all(watchers.map((watcher) => watcher.ended));
    client.close();
  }
}

/** Creates a cluster (with a chosen id when given, as the real server allows) and returns its id. */
async function createCluster(name: string, id?: string): Promise<string> {
  const created = await api.call(Clusters.method.create, { object: { id, metadata: { name }, spec: { template: "ev-tpl" } } });
  return created.object!.id;
}

describe("events of a cluster's lifecycle", () => {
  test("CREATED with the new cluster, UPDATED as the controller works, UPDATED with deletion_timestamp on Delete, DELETED with the last state", async () => {
    await withWatches(async (open) => {
      const watch = await open();
      const id = await createCluster("ev-life");

      const created = await watch.waitForType(EventType.OBJECT_CREATED, id);
      expect(created.id).not.toBe("");
      expect(created.payload.case).toBe("cluster");
      const cluster = created.payload.case === "cluster" ? created.payload.value : undefined;
      expect(cluster?.$typeName).toBe("fulfillment.v1.Cluster");
      expect(cluster?.metadata?.name).toBe("ev-life");
      // The stored spec: template id and defaulted node sets, as Create returned it.
      expect(cluster?.spec?.template).toBe("ev-tpl");
      expect(cluster?.spec?.nodeSets.workers).toMatchObject({ hostClass: "ev-hc", size: 1 });

      // The controller's first pass (finalizer, PROGRESSING) is an update.
      await watch.waitFor(
        (event) => event.type === EventType.OBJECT_UPDATED && event.payload.case === "cluster" && event.payload.value.id === id && event.payload.value.status?.state === ClusterState.PROGRESSING,
        "UPDATED to PROGRESSING",
      );

      await api.call(Clusters.method.delete, { id });
      const marked = await watch.waitFor(
        (event) => event.type === EventType.OBJECT_UPDATED && event.payload.case === "cluster" && event.payload.value.id === id && event.payload.value.metadata?.deletionTimestamp !== undefined,
        "UPDATED with deletion_timestamp",
      );
      const deleted = await watch.waitForType(EventType.OBJECT_DELETED, id);
      expect(deleted.payload.case === "cluster" && deleted.payload.value.metadata?.deletionTimestamp).toEqual(
        marked.payload.case === "cluster" && marked.payload.value.metadata?.deletionTimestamp,
      );
      expect(deleted.payload.case === "cluster" && deleted.payload.value.metadata?.name).toBe("ev-life");

      const types = watch.of(id).map((event) => event.type);
      expect(types[0]).toBe(EventType.OBJECT_CREATED);
      expect(types.at(-1)).toBe(EventType.OBJECT_DELETED);
      expect(types.slice(1, -1).every((type) => type === EventType.OBJECT_UPDATED)).toBe(true);
      expect(new Set(watch.of(id).map((event) => event.id)).size).toBe(types.length);
    });
  });
});

describe("events of a cluster template", () => {
  test("CREATED, UPDATED with the new title, UPDATED with deletion_timestamp, DELETED", async () => {
    await withWatches(async (open) => {
      const watch = await open();
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-2", title: "Before", nodeSets: { w: { hostClass: "ev-hc", size: 1 } } } });
      const created = await watch.waitForType(EventType.OBJECT_CREATED, "ev-tpl-2");
      expect(created.payload.case).toBe("clusterTemplate");
      expect(created.payload.case === "clusterTemplate" && created.payload.value.$typeName).toBe("fulfillment.v1.ClusterTemplate");
      expect(created.payload.case === "clusterTemplate" && created.payload.value.title).toBe("Before");

      await api.call(ClusterTemplates.method.update, { object: { id: "ev-tpl-2", title: "After" }, updateMask: { paths: ["title"] } });
      const updated = await watch.waitForType(EventType.OBJECT_UPDATED, "ev-tpl-2");
      expect(updated.payload.case === "clusterTemplate" && updated.payload.value.title).toBe("After");

      await api.call(ClusterTemplates.method.delete, { id: "ev-tpl-2" });
      const deleted = await watch.waitForType(EventType.OBJECT_DELETED, "ev-tpl-2");
      expect(deleted.payload.case === "clusterTemplate" && deleted.payload.value.title).toBe("After");
      expect(deleted.payload.case === "clusterTemplate" && deleted.payload.value.metadata?.deletionTimestamp).toBeDefined();
      expect(watch.of("ev-tpl-2").map((event) => EventType[event.type])).toEqual([
        "OBJECT_CREATED",
        "OBJECT_UPDATED",
        "OBJECT_UPDATED",
        "OBJECT_DELETED",
      ]);
    });
  });

  test("a host class has no events.v1 payload: its events carry only id and type", async () => {
    await withWatches(async (open) => {
      const watch = await open();
      await api.call(PrivateHostClasses.method.create, { object: { id: "ev-hc-bare", title: "Bare" } });
      // Nothing identifies the host class in its event; the next template event marks the point.
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-mark", title: "Mark" } });
      await watch.waitForType(EventType.OBJECT_CREATED, "ev-tpl-mark");
      const bare = watch.events.filter((event) => event.payload.case === undefined);
      expect(bare.map((event) => event.type)).toEqual([EventType.OBJECT_CREATED]);
      expect(bare[0].id).not.toBe("");
    });
  });
});

describe("filters", () => {
  test("`has(event.cluster) && event.cluster.id == \"<id>\"` gets only that cluster's events", async () => {
    await withWatches(async (open) => {
      const wanted = "ev-wanted";
      const filtered = await open(`has(event.cluster) && event.cluster.id == "${wanted}"`);
      const all = await open();
      const other = await createCluster("ev-other");
      await createCluster("ev-wanted", wanted);
      await api.call(Clusters.method.delete, { id: other });
      await api.call(Clusters.method.delete, { id: wanted });
      await all.waitForType(EventType.OBJECT_DELETED, other);
      await all.waitForType(EventType.OBJECT_DELETED, wanted);
      expect(all.of(other).length).toBeGreaterThan(0);
      // Everything sent to `filtered` has arrived by now (see the top of the file).
      expect(filtered.events.map((event) => event.type)).toEqual(all.of(wanted).map((event) => event.type));
      expect(filtered.events.map((event) => event.id)).toEqual(all.of(wanted).map((event) => event.id));
      expect(filtered.events.every((event) => event.payload.case === "cluster" && event.payload.value.id === wanted)).toBe(true);
    });
  });

  test("the CLI's own filter form, and enum value names as int constants (`event.type == EVENT_TYPE_OBJECT_DELETED`)", async () => {
    await withWatches(async (open) => {
      const deletions = await open(
        `has(event.cluster_template) && (event.cluster_template.id == "ev-tpl-3" || event.cluster_template.metadata.name == "ev-tpl-3") && event.type == EVENT_TYPE_OBJECT_DELETED`,
      );
      const byNumber = await open("has(event.cluster_template) && event.type == 1");
      const all = await open();
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-3", title: "Three" } });
      await api.call(ClusterTemplates.method.delete, { id: "ev-tpl-3" });
      await deletions.waitForType(EventType.OBJECT_DELETED, "ev-tpl-3");
      await all.waitForType(EventType.OBJECT_DELETED, "ev-tpl-3");
      expect(deletions.events.map(describeEvent)).toEqual(["OBJECT_DELETED clusterTemplate ev-tpl-3"]);
      expect(byNumber.events.map(describeEvent)).toEqual(["OBJECT_CREATED clusterTemplate ev-tpl-3"]);
    });
  });

  test.each(["event.foo == 1", "has(event.host)", "event.type ==", "cluster.id == 'x'"])(
    "%s is INVALID_ARGUMENT `failed to compile filter '<filter>'`, before any subscription",
    async (filter) => {
      const client = new grpc.Client(sim.address, grpc.credentials.createInsecure());
      try {
        const watch = new Watcher(client, filter);
        const error = await watch.ended;
        expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
        expect(error?.details).toBe(`failed to compile filter '${filter}'`);
        expect(watch.events).toEqual([]);
      } finally {
        client.close();
      }
    },
  );

  test("a filter that is not a bool (`1 + 1`) gets nothing, while another watch gets the events", async () => {
    await withWatches(async (open) => {
      const notBool = await open("1 + 1");
      const all = await open();
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-4", title: "Four" } });
      await all.waitForType(EventType.OBJECT_CREATED, "ev-tpl-4");
      await api.call(ClusterTemplates.method.delete, { id: "ev-tpl-4" });
      await all.waitForType(EventType.OBJECT_DELETED, "ev-tpl-4");
      expect(notBool.events).toEqual([]);
      // The stream is still open: it is cancelled (CANCELLED on our side) by withWatches.
    });
  });

  test("an empty filter is no filter", async () => {
    await withWatches(async (open) => {
      const empty = await open("");
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-5", title: "Five" } });
      expect((await empty.waitForType(EventType.OBJECT_CREATED, "ev-tpl-5")).payload.case).toBe("clusterTemplate");
    });
  });
});

describe("auth (the real deployment allows Watch to admins only)", () => {
  test("a client token is PERMISSION_DENIED `permission denied`; no token is UNAUTHENTICATED", async () => {
    const client = new grpc.Client(sim.address, grpc.credentials.createInsecure());
    try {
      const denied = await new Watcher(client, "has(event.cluster)", CLIENT).ended;
      expect(denied?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(denied?.details).toBe("permission denied");
      const anonymous = await new Watcher(client, undefined, null).ended;
      expect(anonymous?.code).toBe(grpc.status.UNAUTHENTICATED);
    } finally {
      client.close();
    }
    // The same client token may still list clusters: the denial is Watch's own.
    await api.call(Clusters.method.list, {}, CLIENT);
  });

  test("an admin token subscribes", async () => {
    await withWatches(async (open) => {
      const watch = await open("has(event.cluster_template)", ADMIN);
      await api.call(ClusterTemplates.method.create, { object: { id: "ev-tpl-6", title: "Six" } });
      await watch.waitForType(EventType.OBJECT_CREATED, "ev-tpl-6");
    });
  });

  test("in guest mode (no tokens) everyone may watch", async () => {
    const guest = await startSimulator({ api: "innabox", seed: false });
    const client = new grpc.Client(guest.address, grpc.credentials.createInsecure());
    const raw = new RawClient(guest.address);
    try {
      const watch = new Watcher(client, undefined, null);
      await watch.ready;
      await raw.call(ClusterTemplates.method.create, { object: { id: "guest-tpl", title: "Guest" } });
      await watch.waitForType(EventType.OBJECT_CREATED, "guest-tpl");
      watch.cancel();
      expect((await watch.ended)?.code).toBe(grpc.status.CANCELLED);
    } finally {
      raw.close();
      client.close();
      await guest.stop();
    }
  });
});

describe("stream end", () => {
  test("stopping the simulator ends open watches with UNAVAILABLE at once", async () => {
    const doomed = await startSimulator({ api: "innabox", seed: false });
    const client = new grpc.Client(doomed.address, grpc.credentials.createInsecure());
    try {
      const watch = new Watcher(client, undefined, null);
      await watch.ready;
      await doomed.stop();
      const ended = await watch.ended;
      expect(ended?.code).toBe(grpc.status.UNAVAILABLE);
      // Ended by the simulator itself, not by the forced shutdown that follows the graceful
      // one's 1 s timeout (which would end it with grpc-js's own details).
      expect(ended?.details).toBe("the event stream was closed by the server");
    } finally {
      client.close();
    }
  });

  test("a watch that is not allowed never subscribes, and the error reaches the first read", async () => {
    const client = new grpc.Client(sim.address, grpc.credentials.createInsecure());
    try {
      const call = serverStreamingCall(client, Events.method.watch, { filter: "event.foo == 1" }, bearer(ADMIN));
      const error = await grpcError(
        (async () => {
          for await (const _ of call) throw new Error("no event expected");
        })(),
      );
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    } finally {
      client.close();
    }
  });
});

function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}
