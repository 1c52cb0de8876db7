// osac Events/Watch over real gRPC against shared/osac-api.md "Events": changes after the
// subscription, CEL filters with enum constants, tenant filtering, no hubs on the public
// stream, pull_secret not redacted, the private stream for admins, and cluster versions
// (public `cluster_version` without the image, private with it), and projects (public
// `project`, 11).
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Events } from "../../proto/gen/osac/public/v1/events_service_pb";
import { EventType, type Event } from "../../proto/gen/osac/public/v1/event_type_pb";
import { Events as PrivateEvents } from "../../proto/gen/osac/private/v1/events_service_pb";
import type { Event as PrivateEvent } from "../../proto/gen/osac/private/v1/event_type_pb";
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterVersions as PrivateVersions } from "../../proto/gen/osac/private/v1/cluster_versions_service_pb";
import { Projects } from "../../proto/gen/osac/public/v1/projects_service_pb";
import { serverStreamingCall, type ServerStreamingMethod } from "../../proto/grpc";
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { startOsac, type OsacFixture } from "../helpers/osacRaw";

interface Watch<E> {
  /** The next `count` events (waits for them). */
  take(count: number): Promise<E[]>;
  /** Resolves with the call's error status. */
  failure: Promise<grpc.ServiceError>;
  cancel(): void;
}

async function watch<I extends DescMessage, E>(
  f: OsacFixture,
  method: ServerStreamingMethod<I>,
  request: MessageInitShape<I>,
  token: string,
): Promise<Watch<E>> {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  const call = serverStreamingCall(f.client.client, method, request, metadata);
  const events: E[] = [];
  let wake: (() => void) | undefined;
  call.on("data", (response: { event?: E }) => {
    events.push(response.event!);
    wake?.();
  });
  const failure = new Promise<grpc.ServiceError>((resolve) => call.on("error", (error: grpc.ServiceError) => resolve(error)));
  // The server sends its headers once the subscription exists.
  await Promise.race([new Promise((resolve) => call.once("metadata", resolve)), failure]);
  return {
    async take(count) {
      while (events.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return events.splice(0, count);
    },
    failure,
    cancel: () => call.cancel(),
  };
}

describe("osac simulator: Events/Watch", () => {
  let f: OsacFixture;
  // No controller pass during a test: a cluster's only changes are the test's own.
  beforeAll(async () => {
    f = await startOsac({ controllerDelayMs: 600_000 });
  });
  afterAll(() => f.close());

  it("streams CREATED, UPDATED (version 1), DELETED of a cluster, pull_secret in clear (live)", async () => {
    const stream = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, {}, f.alice);
    const id = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small", pullSecret: "TOPSECRET" } } }, f.alice)).object!.id;
    await f.client.call(Clusters.method.update, { object: { id, metadata: { labels: { a: "b" } } }, updateMask: { paths: ["metadata.labels"] } }, f.alice);
    await f.client.call(Clusters.method.delete, { id }, f.alice);
    const events = await stream.take(3);
    stream.cancel();
    expect(events.map((event) => event.type)).toEqual([EventType.OBJECT_CREATED, EventType.OBJECT_UPDATED, EventType.OBJECT_DELETED]);
    const [created, updated, deleted] = events.map((event) => (event.payload.case === "cluster" ? event.payload.value : undefined));
    expect(created?.spec?.pullSecret).toBe("TOPSECRET");
    expect(updated?.metadata?.version).toBe(1);
    expect(deleted?.metadata?.deletionTimestamp).toBeDefined();
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
  });

  it("filters with CEL over `event`, enum names as constants; a bad filter is INVALID_ARGUMENT (live)", async () => {
    const created = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, { filter: "event.type == EVENT_TYPE_OBJECT_CREATED" }, f.alice);
    const id = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice)).object!.id;
    await f.client.call(Clusters.method.delete, { id }, f.alice);
    const second = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice)).object!.id;
    const events = await created.take(2);
    created.cancel();
    expect(events.map((event) => [event.type, event.payload.value?.id])).toEqual([
      [EventType.OBJECT_CREATED, id],
      [EventType.OBJECT_CREATED, second],
    ]);
    const bad = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, { filter: "event.nope ==" }, f.alice);
    const error = await bad.failure;
    expect([error.code, error.details]).toEqual([grpc.status.INVALID_ARGUMENT, "failed to compile filter 'event.nope =='"]);
  });

  it("sends a client only events of tenants it sees, and no hubs; the private stream has them all", async () => {
    const bobs = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, {}, f.bob);
    const admins = await watch<typeof PrivateEvents.method.watch.input, PrivateEvent>(f, PrivateEvents.method.watch, {}, f.admin);
    await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice);
    await f.client.call(Hubs.method.create, { object: { id: "hub-e", spec: { namespace: "n" } } }, f.admin);
    const sentinel = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.bob)).object!.id;
    const [bobFirst] = await bobs.take(1);
    expect(bobFirst.payload.value?.id).toBe(sentinel);
    const all = await admins.take(3);
    expect(all.map((event) => event.payload.case)).toEqual(["cluster", "hub", "cluster"]);
    bobs.cancel();
    admins.cancel();
    const denied = await watch<typeof PrivateEvents.method.watch.input, PrivateEvent>(f, PrivateEvents.method.watch, {}, f.alice);
    const error = await denied.failure;
    expect([error.code, error.details]).toEqual([grpc.status.PERMISSION_DENIED, "permission denied"]);
  });

  it("streams a cluster version's CREATED, UPDATED and DELETED: public without the image, private with it", async () => {
    const filter = "has(event.cluster_version)";
    const users = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, { filter }, f.alice);
    const admins = await watch<typeof PrivateEvents.method.watch.input, PrivateEvent>(f, PrivateEvents.method.watch, { filter }, f.admin);
    const create = (version: string, isDefault: boolean) =>
      f.client.call(PrivateVersions.method.create, { object: { spec: { version, image: `quay.io/ocp-release:${version}`, isDefault } } }, f.admin);
    const first = (await create("4.20.0", true)).object!;
    // A new default clears the old one: an UPDATED of the first, then the CREATED of the second.
    const second = (await create("4.20.1", true)).object!;
    await f.client.call(PrivateVersions.method.delete, { id: first.id }, f.admin);
    const expected = [
      [EventType.OBJECT_CREATED, first.id],
      [EventType.OBJECT_UPDATED, first.id],
      [EventType.OBJECT_CREATED, second.id],
      [EventType.OBJECT_DELETED, first.id],
    ];
    const seen = await users.take(4);
    const all = await admins.take(4);
    users.cancel();
    admins.cancel();
    const version = (event: Event | PrivateEvent) => (event.payload.case === "clusterVersion" ? event.payload.value : undefined);
    expect(seen.map((event) => [event.type, version(event)?.id])).toEqual(expected);
    expect(all.map((event) => [event.type, version(event)?.id])).toEqual(expected);
    expect(version(seen[1])?.spec?.isDefault).toBe(false);
    expect(version(seen[3])?.metadata?.deletionTimestamp).toBeDefined();
    // The public message has no image field at all; the private one carries it.
    expect(version(seen[0])?.spec).not.toHaveProperty("image");
    expect((version(all[0]) as { spec?: { image?: string } } | undefined)?.spec?.image).toBe("quay.io/ocp-release:4.20.0");
  });

  it("streams a project's CREATED, UPDATED and DELETED to the clients of its tenant only", async () => {
    const filter = "has(event.project)";
    const acmeAdmin = await f.token({ preferred_username: "ta", organization: ["acme"], realm_access: { roles: ["tenant-admin"] } });
    const alices = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, { filter }, f.alice);
    const bobs = await watch<typeof Events.method.watch.input, Event>(f, Events.method.watch, { filter }, f.bob);
    const created = (await f.client.call(Projects.method.create, { object: { metadata: { name: "evented" }, spec: { title: "Evented" } } }, acmeAdmin)).object!;
    await f.client.call(Projects.method.update, { object: { id: created.id, metadata: { name: "evented" }, spec: { title: "Evented", description: "now described" } } }, acmeAdmin);
    // Nothing changed: no event, as for the other objects.
    await f.client.call(Projects.method.update, { object: { id: created.id, metadata: { name: "evented" }, spec: { title: "Evented", description: "now described" } } }, acmeAdmin);
    await f.client.call(Projects.method.delete, { id: created.id }, acmeAdmin);
    // Bob's sentinel: a project of his own tenant, made after all of acme's changes.
    const otherAdmin = await f.token({ preferred_username: "to", organization: ["other"], realm_access: { roles: ["tenant-admin"] } });
    const sentinel = (await f.client.call(Projects.method.create, { object: { metadata: { name: "bobs" }, spec: { title: "Bob's" } } }, otherAdmin)).object!;
    const seen = await alices.take(3);
    const [bobFirst] = await bobs.take(1);
    alices.cancel();
    bobs.cancel();
    const project = (event: Event) => (event.payload.case === "project" ? event.payload.value : undefined);
    expect(seen.map((event) => [event.type, project(event)?.id])).toEqual([
      [EventType.OBJECT_CREATED, created.id],
      [EventType.OBJECT_UPDATED, created.id],
      [EventType.OBJECT_DELETED, created.id],
    ]);
    expect(project(seen[0])).toMatchObject({ metadata: { name: "evented", tenant: "acme" }, spec: { title: "Evented" } });
    expect(project(seen[0])?.spec?.description).toBeUndefined();
    expect(project(seen[1])?.spec?.description).toBe("now described");
    expect(project(seen[2])?.metadata?.deletionTimestamp).toBeDefined();
    expect(new Set(seen.map((event) => event.id)).size).toBe(3);
    expect([bobFirst.type, project(bobFirst)?.id, project(bobFirst)?.metadata?.tenant]).toEqual([EventType.OBJECT_CREATED, sentinel.id, "other"]);
  });
});
