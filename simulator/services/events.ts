// events.v1.Events/Watch, as internal/servers/events_server.go: the filter is compiled
// before subscribing (INVALID_ARGUMENT `failed to compile filter '<f>'`), then every
// change published on the bus from then on is mapped to its public events.v1.Event and
// sent if the filter evaluates to true. No snapshot, no keep-alive; the stream ends with
// OK when the client cancels. Who may call it is auth.ts's business (admins only).
//
// Mapping (processPayload): clusters and cluster templates carry their fulfillment.v1
// projection; host classes have no events.v1 payload field, so their events arrive with
// only id and type; hub events are dropped. Every simulator object is in tenant
// `shared`, which every subject sees, so there is no tenancy check to make.
//
// Response headers are sent as soon as the subscription exists, so a client can tell
// when changes start to count (the real server sends them with the first event).
import * as grpc from "@grpc/grpc-js";
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../proto/gen/events/v1/event_type_pb";
import { EventsWatchResponseSchema, type EventsWatchRequest } from "../../proto/gen/events/v1/events_service_pb";
import { ClusterSchema as PublicClusterSchema } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { ClusterTemplateSchema as PublicTemplateSchema } from "../../proto/gen/fulfillment/v1/cluster_template_type_pb";
import { compileEventFilter } from "../eventFilter";
import type { EventBus, ObjectChange, Subscriber } from "../events";
import { statusError, type StreamHandlers } from "../server";
import { kindSchemas } from "../store";
import { convert } from "../views";

/** One public event per change, shared by every subscriber; null = not sent on events.v1. */
const publicEvents = new WeakMap<ObjectChange, Event | null>();

export function publicEvent(change: ObjectChange): Event | undefined {
  let event = publicEvents.get(change);
  if (event === undefined) {
    event = toPublicEvent(change);
    publicEvents.set(change, event);
  }
  return event ?? undefined;
}

function toPublicEvent(change: ObjectChange): Event | null {
  // osac projects: never published on an innabox simulator, and events.v1 has no payload for them.
  if (change.kind === "projects") return null;
  const kind = change.kind;
  const project = (to: DescMessage) => convert(kindSchemas[kind] as DescMessage, change.object as Message, to);
  const base = { id: change.id, type: change.type };
  switch (change.kind) {
    case "clusters":
      return create(EventSchema, { ...base, payload: { case: "cluster", value: project(PublicClusterSchema) as never } });
    case "templates":
      return create(EventSchema, { ...base, payload: { case: "clusterTemplate", value: project(PublicTemplateSchema) as never } });
    case "hostClasses":
      return create(EventSchema, base);
    case "hubs":
    case "catalogItems":
    case "clusterVersions":
      return null;
  }
}

export function eventsStreams(bus: EventBus, log: (line: string) => void): StreamHandlers {
  return {
    Watch: async (request, _subject, call) => {
      const { filter } = request as unknown as EventsWatchRequest;
      const matches = compileEventFilter(filter, (detail) => log(`events.v1.Events/Watch: Failed to compile filter '${filter}': ${detail}`));
      if (call.cancelled) return;
      await new Promise<void>((resolve) => {
        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          bus.unsubscribe(subscriber);
          resolve();
        };
        const subscriber: Subscriber = {
          onChange(change) {
            const event = publicEvent(change);
            if (!event || (matches && !matches(event))) return;
            call.write(create(EventsWatchResponseSchema, { event }));
          },
          onDisconnect() {
            // The subscription was dropped (the simulator stops): the client sees the
            // connection lost, as when a server goes away.
            if (!call.cancelled && !call.writableEnded) call.emit("error", statusError(grpc.status.UNAVAILABLE, "the event stream was closed by the server"));
            finish();
          },
        };
        call.on("cancelled", finish);
        call.on("close", finish);
        call.on("error", finish);
        bus.subscribe(subscriber);
        call.sendMetadata(new grpc.Metadata());
      });
    },
  };
}
