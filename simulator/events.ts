// The in-process event bus: the store publishes every object change here (in private.v1
// form, like the real server's `notifications`), and Watch streams subscribe. Delivery
// is synchronous and in order; there is no buffer and no replay, so a subscriber only
// sees what happens while it is subscribed (as with the real PostgreSQL LISTEN).
//
// Kept small on purpose so that a fault injector can sit on it later: drop a change
// before it reaches subscribers (lost events) or end subscriptions (dropped streams).
import { EventType } from "../proto/gen/events/v1/event_type_pb";
import type { Kind, KindObject } from "./store";

export { EventType };

/** One change of one object. The object is a private copy: subscribers must not modify it. */
export type ObjectChange = {
  [K in Kind]: {
    /** Event id, shared by every subscriber that receives this change. */
    id: string;
    type: EventType.OBJECT_CREATED | EventType.OBJECT_UPDATED | EventType.OBJECT_DELETED;
    kind: K;
    /** CREATED: the new object; UPDATED: after the change; DELETED: right before removal. */
    object: KindObject<K>;
  };
}[Kind];

export interface Subscriber {
  onChange(change: ObjectChange): void;
  /** The bus ended this subscription (`disconnectAll`); it gets no more changes. */
  onDisconnect?(): void;
}

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private readonly activityListeners = new Set<(active: boolean) => void>();

  /** Returns the matching unsubscribe. Subscribing twice is a no-op. */
  subscribe(subscriber: Subscriber): () => void {
    if (!this.subscribers.has(subscriber)) {
      this.subscribers.add(subscriber);
      if (this.subscribers.size === 1) this.notifyActivity(true);
    }
    return () => this.unsubscribe(subscriber);
  }

  unsubscribe(subscriber: Subscriber): void {
    if (this.subscribers.delete(subscriber) && this.subscribers.size === 0) this.notifyActivity(false);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Delivers to every current subscriber; one that throws does not keep the change from the others. */
  publish(change: ObjectChange): void {
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber.onChange(change);
      } catch {
        // A subscriber's own failure (its stream already gone) is its business.
      }
    }
  }

  /** Ends every subscription, telling each subscriber. */
  disconnectAll(): void {
    const all = [...this.subscribers];
    for (const subscriber of all) this.unsubscribe(subscriber);
    for (const subscriber of all) subscriber.onDisconnect?.();
  }

  /**
   * `listener(true)` when the first subscriber arrives, `listener(false)` when the last
   * leaves: the store only tracks changes while someone listens. Returns the removal.
   */
  onActivity(listener: (active: boolean) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  private notifyActivity(active: boolean): void {
    for (const listener of [...this.activityListeners]) listener(active);
  }
}
