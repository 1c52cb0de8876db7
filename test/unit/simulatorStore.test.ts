// The simulator store's change tracking: which commits publish which Watch changes.
import { describe, expect, test } from "vitest";
import { create } from "@bufbuild/protobuf";
import { ClusterSchema } from "../../proto/gen/private/v1/cluster_type_pb";
import { HubSchema } from "../../proto/gen/private/v1/hub_type_pb";
import { EventBus, EventType, type ObjectChange } from "../../simulator/events";
import { Store } from "../../simulator/store";

function watchedStore(): { store: Store; changes: Array<[string, string, string]> } {
  const bus = new EventBus();
  const changes: Array<[string, string, string]> = [];
  bus.subscribe({ onChange: (change: ObjectChange) => changes.push([EventType[change.type], change.kind, change.object.id]) });
  return { store: new Store(undefined, bus), changes };
}

const cluster = (id: string) => create(ClusterSchema, { id, metadata: { name: id }, spec: { template: "t" } });

describe("store commits", () => {
  test("a commit naming objects publishes their in-place changes, and only theirs", () => {
    const { store, changes } = watchedStore();
    store.clusters.set("a", cluster("a"));
    store.clusters.set("b", cluster("b"));
    store.commit();
    expect(changes).toEqual([["OBJECT_CREATED", "clusters", "a"], ["OBJECT_CREATED", "clusters", "b"]]);
    changes.length = 0;

    store.clusters.get("a")!.metadata!.name = "a2";
    store.clusters.get("b")!.metadata!.name = "b2";
    store.commit([{ kind: "clusters", id: "a" }]);
    expect(changes).toEqual([["OBJECT_UPDATED", "clusters", "a"]]);
    // b's change goes out with the next commit that looks at it: here, one naming nothing.
    store.commit();
    expect(changes).toEqual([["OBJECT_UPDATED", "clusters", "a"], ["OBJECT_UPDATED", "clusters", "b"]]);
  });

  test("creations and removals are published whatever the commit names", () => {
    const { store, changes } = watchedStore();
    store.clusters.set("a", cluster("a"));
    store.commit([]);
    store.hubs.set("h", create(HubSchema, { id: "h", namespace: "orders" }));
    store.remove("clusters", "a");
    store.commit([{ kind: "hubs", id: "other" }]);
    expect(changes).toEqual([
      ["OBJECT_CREATED", "clusters", "a"],
      ["OBJECT_DELETED", "clusters", "a"],
      ["OBJECT_CREATED", "hubs", "h"],
    ]);
  });

  test("a named object that did not change publishes nothing", () => {
    const { store, changes } = watchedStore();
    store.clusters.set("a", cluster("a"));
    store.commit();
    store.commit([{ kind: "clusters", id: "a" }, { kind: "clusters", id: "gone" }]);
    expect(changes).toEqual([["OBJECT_CREATED", "clusters", "a"]]);
  });
});
