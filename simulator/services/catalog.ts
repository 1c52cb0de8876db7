// Templates, host classes and hubs: generic CRUD plus their few rules.
import { ClusterTemplateSchema as PublicTemplateSchema } from "../../proto/gen/fulfillment/v1/cluster_template_type_pb";
import { ClusterTemplates as PublicTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClassSchema as PublicHostClassSchema } from "../../proto/gen/fulfillment/v1/host_class_type_pb";
import { HostClasses as PublicHostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/private/v1/cluster_templates_service_pb";
import { HostClasses as PrivateHostClasses } from "../../proto/gen/private/v1/host_classes_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import type { InnaboxKind } from "../store";
import { validateTemplate } from "../validation";
import { crudHandlers, privateView, publicView, type Env, type Handlers, type Hooks } from "./crud";

/** Deleted objects other than clusters linger for the deletion delay, then go. */
function lingering<K extends Exclude<InnaboxKind, "clusters">>(kind: K): Hooks<K> {
  return {
    afterDelete: (env, id) => env.controller.objectChanged(kind, id),
    afterUpdate: (env, _before, after) => env.controller.objectChanged(kind, after.id),
  };
}

const templateHooks: Hooks<"templates"> = {
  ...lingering("templates"),
  prepareCreate: (_env, template) => validateTemplate(template),
  checkUpdate: (_env, _current, _request, merged) => validateTemplate(merged),
};

const hubHooks: Hooks<"hubs"> = {
  guestCreator: "system",
  afterCreate: (env) => env.controller.hubsChanged(),
  afterUpdate: (env, _before, after) => {
    env.controller.objectChanged("hubs", after.id);
    env.controller.hubsChanged();
  },
  afterDelete: (env, id) => env.controller.objectChanged("hubs", id),
};

export function templateHandlers(env: () => Env): { publicApi: Handlers; privateApi: Handlers } {
  return {
    publicApi: crudHandlers(PublicTemplates, "templates", publicView("templates", PublicTemplateSchema), templateHooks, env),
    privateApi: crudHandlers(PrivateTemplates, "templates", privateView("templates"), templateHooks, env),
  };
}

export function hostClassHandlers(env: () => Env): { publicApi: Handlers; privateApi: Handlers } {
  const hooks = lingering("hostClasses");
  return {
    publicApi: crudHandlers(PublicHostClasses, "hostClasses", publicView("hostClasses", PublicHostClassSchema), hooks, env),
    privateApi: crudHandlers(PrivateHostClasses, "hostClasses", privateView("hostClasses"), hooks, env),
  };
}

export function hubHandlers(env: () => Env): Handlers {
  return crudHandlers(Hubs, "hubs", privateView("hubs"), hubHooks, env);
}
