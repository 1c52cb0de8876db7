// metadata.version as the osac server keeps it: 0 on create, +1 on every write that changes
// the object (generic_dao_update.go), whoever writes it: an API Update or the controller.
// "Changes" ignores the creation and deletion timestamps and the version itself, like
// generic_server.go equivalentObjects. Runs at the start of every store commit.
import { clone, create, equals, type DescMessage, type Message } from "@bufbuild/protobuf";
import { MetadataSchema } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import { commitCandidates, type Kind, type ObjectRef, type Store } from "../store";
import { osacCollection, type Stored } from "./model";

const KINDS: Kind[] = ["clusters", "templates", "hostClasses", "hubs", "catalogItems"];

/** Equal but for metadata's creation/deletion timestamps and version. */
export function equivalent(schema: DescMessage, a: Stored, b: Stored): boolean {
  return equals(schema, comparable(schema, a), comparable(schema, b));
}

function comparable(schema: DescMessage, object: Stored): Message {
  const copy = clone(schema, object as unknown as Message) as unknown as Stored;
  if (copy.metadata) {
    copy.metadata.creationTimestamp = undefined;
    copy.metadata.deletionTimestamp = undefined;
    copy.metadata.version = 0;
  }
  return copy as unknown as Message;
}

export function trackVersions(store: Store): void {
  const last = new Map<Kind, Map<string, Stored>>();
  const snapshot = (kind: Kind, object: Stored) => clone(store.schemas[kind], object as unknown as Message) as unknown as Stored;
  const reset = () => {
    for (const kind of KINDS) last.set(kind, new Map([...osacCollection(store, kind)].map(([id, object]) => [id, snapshot(kind, object)])));
  };
  reset();
  store.onCommit((touched?: readonly ObjectRef[]) => {
    for (const kind of KINDS) {
      const seen = last.get(kind)!;
      const current = osacCollection(store, kind);
      for (const id of commitCandidates(kind, touched, current, seen)) {
        const object = current.get(id);
        if (!object) continue;
        const before = seen.get(id);
        if (before && !equivalent(store.schemas[kind], before, object)) {
          (object.metadata ??= create(MetadataSchema)).version = (before.metadata?.version ?? 0) + 1;
        }
        if (!before || !equals(store.schemas[kind], before as unknown as Message, object as unknown as Message)) seen.set(id, snapshot(kind, object));
      }
      for (const id of seen.keys()) if (!current.has(id)) seen.delete(id);
    }
  });
}
