// Wire facts of events.v1 and metadata.v1 (what the real fulfillment-cli's `login` and
// `get --watch` call) and of private.v1 HostClassesListResponse, pinned on the
// generated descriptors: full names, gRPC paths, method kinds, field numbers and kinds,
// proto3 optional and oneof membership, enum values.
import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import type { DescMessage } from "@bufbuild/protobuf";
import { grpcPath, serviceDefinition } from "../../proto/grpc";
import * as eventType from "../../proto/gen/events/v1/event_type_pb";
import * as eventsService from "../../proto/gen/events/v1/events_service_pb";
import * as authnType from "../../proto/gen/metadata/v1/authn_type_pb";
import * as metadataService from "../../proto/gen/metadata/v1/metadata_service_pb";
import * as privHostClasses from "../../proto/gen/private/v1/host_classes_service_pb";

/** name -> [number, kind] for every field, e.g. { size: [3, "scalar"] }. */
function fields(message: DescMessage): Record<string, [number, string]> {
  return Object.fromEntries(message.fields.map((f) => [f.name, [f.number, f.fieldKind]]));
}

describe("events.v1", () => {
  it("serves /events.v1.Events/Watch, server-streaming, EventsWatchRequest -> stream EventsWatchResponse", () => {
    const { Events } = eventsService;
    expect(Events.typeName).toBe("events.v1.Events");
    expect(Events.methods.map((m) => m.name)).toEqual(["Watch"]);
    const watch = Events.method.watch;
    expect(grpcPath(watch)).toBe("/events.v1.Events/Watch");
    expect(watch.methodKind).toBe("server_streaming");
    expect(watch.input.typeName).toBe("events.v1.EventsWatchRequest");
    expect(watch.output.typeName).toBe("events.v1.EventsWatchResponse");
    expect(eventsService.file_events_v1_events_service.name).toBe("events/v1/events_service");
    expect(eventsService.file_events_v1_events_service.proto.package).toBe("events.v1");
  });

  it("numbers the request, the response and Event as the real API", () => {
    expect(fields(eventsService.EventsWatchRequestSchema)).toEqual({ filter: [1, "scalar"] });
    const filter = eventsService.EventsWatchRequestSchema.fields[0];
    expect(filter.scalar).toBe(9); // string
    expect(filter.proto.proto3Optional).toBe(true);
    expect(eventsService.EventsWatchRequestSchema.proto.oneofDecl.map((o) => o.name)).toEqual(["_filter"]);

    expect(fields(eventsService.EventsWatchResponseSchema)).toEqual({ event: [1, "message"] });
    expect(eventsService.EventsWatchResponseSchema.fields[0].message?.typeName).toBe("events.v1.Event");

    const { EventSchema } = eventType;
    expect(EventSchema.typeName).toBe("events.v1.Event");
    expect(fields(EventSchema)).toEqual({ id: [1, "scalar"], type: [2, "enum"], cluster: [3, "message"], cluster_template: [4, "message"] });
    const typeField = EventSchema.field.type;
    expect(typeField.fieldKind === "enum" && typeField.enum.typeName).toBe("events.v1.EventType");
    expect(EventSchema.field.cluster.message?.typeName).toBe("fulfillment.v1.Cluster");
    expect(EventSchema.field.clusterTemplate.message?.typeName).toBe("fulfillment.v1.ClusterTemplate");
    expect(EventSchema.oneofs.map((oneof) => [oneof.name, oneof.fields.map((f) => f.number)])).toEqual([["payload", [3, 4]]]);
    expect(EventSchema.fields.map((f) => f.jsonName)).toEqual(["id", "type", "cluster", "clusterTemplate"]);
    expect(eventType.file_events_v1_event_type.proto.dependency).toEqual(["fulfillment/v1/cluster_template_type.proto", "fulfillment/v1/cluster_type.proto"]);
  });

  it("keeps the EventType values (no SIGNALED: that is private.v1's)", () => {
    expect(eventType.EventTypeSchema.typeName).toBe("events.v1.EventType");
    expect(eventType.EventTypeSchema.values.map((v) => [v.name, v.number])).toEqual([
      ["EVENT_TYPE_UNSPECIFIED", 0],
      ["EVENT_TYPE_OBJECT_CREATED", 1],
      ["EVENT_TYPE_OBJECT_UPDATED", 2],
      ["EVENT_TYPE_OBJECT_DELETED", 3],
    ]);
  });

  it("maps Watch to a grpc-js server-streaming definition", () => {
    const definition = serviceDefinition(eventsService.Events) as Record<string, grpc.MethodDefinition<unknown, unknown>>;
    expect(definition.Watch).toMatchObject({ path: "/events.v1.Events/Watch", requestStream: false, responseStream: true, originalName: "watch" });
  });
});

describe("metadata.v1", () => {
  it("serves /metadata.v1.Metadata/Get, unary", () => {
    const { Metadata } = metadataService;
    expect(Metadata.typeName).toBe("metadata.v1.Metadata");
    expect(Metadata.methods.map((m) => m.name)).toEqual(["Get"]);
    expect(grpcPath(Metadata.method.get)).toBe("/metadata.v1.Metadata/Get");
    expect(Metadata.method.get.methodKind).toBe("unary");
    expect(Metadata.method.get.input.typeName).toBe("metadata.v1.MetadataGetRequest");
    expect(Metadata.method.get.output.typeName).toBe("metadata.v1.MetadataGetResponse");
    const definition = serviceDefinition(Metadata) as Record<string, grpc.MethodDefinition<unknown, unknown>>;
    expect(definition.Get).toMatchObject({ requestStream: false, responseStream: false });
  });

  it("numbers Authn and the messages as the real API", () => {
    expect(fields(metadataService.MetadataGetRequestSchema)).toEqual({});
    expect(fields(metadataService.MetadataGetResponseSchema)).toEqual({ authn: [1, "message"] });
    expect(metadataService.MetadataGetResponseSchema.fields[0].message?.typeName).toBe("metadata.v1.Authn");
    expect(authnType.AuthnSchema.typeName).toBe("metadata.v1.Authn");
    expect(fields(authnType.AuthnSchema)).toEqual({ trusted_token_issuers: [1, "list"] });
    expect(authnType.AuthnSchema.fields[0].jsonName).toBe("trustedTokenIssuers");
    expect(authnType.AuthnSchema.fields[0].scalar).toBe(9); // string
    expect(metadataService.file_metadata_v1_metadata_service.proto.dependency).toEqual(["metadata/v1/authn_type.proto"]);
    expect(authnType.file_metadata_v1_authn_type.proto.dependency).toEqual([]);
  });
});

describe("private.v1 HostClassesListResponse", () => {
  it("numbers size/total/items 3/4/5 like the public HostClasses list, not 1/2/3", () => {
    expect(fields(privHostClasses.HostClassesListResponseSchema)).toEqual({ size: [3, "scalar"], total: [4, "scalar"], items: [5, "list"] });
    expect(privHostClasses.HostClassesListResponseSchema.field.items.message?.typeName).toBe("private.v1.HostClass");
  });
});
