// Services a provider process keeps one of per connection (the cluster watcher, the batching
// cluster reader). They live on globalThis: Pulumi may load a module more than once in one
// provider process, and every copy must find the same service.
import type { FulfillmentApi } from "../client/api";

/** A value shared by every copy of a module in this process, made on first use. */
export function processShared<T>(name: string, make: () => T): T {
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`pulumi-fulfillment.${name}`);
  return (holder[key] ??= make());
}

export interface PerConnection<T, S> {
  /** The process's service for this API's connection; closed and forgotten with the connection. */
  of(api: FulfillmentApi): T;
  /** Settings for services made from now on (tests: other intervals, an injected clock); closes the existing ones. */
  configure(settings: Partial<S>): void;
  /** The services of this process, by connection key. */
  all(): ReadonlyMap<string, T>;
}

export function perConnection<T extends { close(): void }, S>(name: string, make: (api: FulfillmentApi, settings: Partial<S>) => T): PerConnection<T, S> {
  const state = () => processShared(name, () => ({ services: new Map<string, T>(), settings: {} as Partial<S> }));
  return {
    of(api) {
      const { services, settings } = state();
      const key = api.connection.key;
      const existing = services.get(key);
      if (existing) return existing;
      const created = make(api, settings);
      services.set(key, created);
      api.connection.onClose(() => {
        created.close();
        if (services.get(key) === created) services.delete(key);
      });
      return created;
    },
    configure(settings) {
      const current = state();
      current.settings = settings;
      for (const service of current.services.values()) service.close();
      current.services.clear();
    },
    all: () => state().services,
  };
}
