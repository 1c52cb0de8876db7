// The in-process event bus: the store publishes every object change here (in private.v1
// form, like the real server's `notifications`), and Watch streams subscribe. Delivery
// is synchronous and in order; there is no buffer and no replay, so a subscriber only
// sees what happens while it is subscribed (as with the real PostgreSQL LISTEN).
//
// Fault injection sits here, for both generations' Watch streams: `loseNext` drops changes
// before they reach any subscriber (the innabox fan-out and PostgreSQL NOTIFY give no
// delivery guarantee), `disconnectAll` ends every subscription (a dropped stream), and
// `hold` keeps changes in flight to the subscribers of the moment until released (one slow
// subscriber holds up the real server's fan-out: unbuffered sends under one lock).
import { EventType } from "../proto/gen/events/v1/event_type_pb";
import type { Project } from "../proto/gen/osac/public/v1/project_type_pb";
import type { Kind, KindObject } from "./store";

export { EventType };

/** The kinds of change on the bus: the store's kinds, and osac projects. */
export type ChangeKind = Kind | "projects";

interface ChangeObjects extends Record<ChangeKind, unknown> {
  clusters: KindObject<"clusters">;
  templates: KindObject<"templates">;
  hostClasses: KindObject<"hostClasses">;
  hubs: KindObject<"hubs">;
  catalogItems: KindObject<"catalogItems">;
  clusterVersions: KindObject<"clusterVersions">;
  /**
   * osac projects live in the tenancy directory, not the store: the Projects handlers
   * publish their changes themselves, as the public Project (the private Project type of
   * the private Event's field 24 is not described in the facts).
   */
  projects: Project;
}

/** One change of one object. The object is a private copy: subscribers must not modify it. */
export type ObjectChange = {
  [K in ChangeKind]: {
    /** Event id, shared by every subscriber that receives this change. */
    id: string;
    type: EventType.OBJECT_CREATED | EventType.OBJECT_UPDATED | EventType.OBJECT_DELETED;
    kind: K;
    /** CREATED: the new object; UPDATED: after the change; DELETED: right before removal. */
    object: ChangeObjects[K];
  };
}[ChangeKind];

export interface Subscriber {
  onChange(change: ObjectChange): void;
  /** The bus ended this subscription (`disconnectAll`); it gets no more changes. */
  onDisconnect?(): void;
}

/** Which changes a lost-events fault applies to. */
export interface LossFilter {
  kind?: ChangeKind;
  type?: ObjectChange["type"];
}

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private readonly activityListeners = new Set<(active: boolean) => void>();
  private losses: Array<{ remaining: number; filter: LossFilter }> = [];
  /** Changes in flight while held: each goes to the subscribers it was published to, if still subscribed. */
  private held: Array<{ change: ObjectChange; to: Subscriber[] }> | undefined;

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /**
   * The next `count` changes that match `filter` reach no subscriber (Infinity: until
   * cleared); a count of 0 clears every pending loss. Each lost change is logged.
   */
  loseNext(count: number, filter: LossFilter = {}): void {
    if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0))) throw new Error(`count must be a non-negative integer or Infinity, got ${count}`);
    if (count === 0) this.losses = [];
    else this.losses.push({ remaining: count, filter });
  }

  private lost(change: ObjectChange): boolean {
    const loss = this.losses.find(({ filter }) => (!filter.kind || filter.kind === change.kind) && (!filter.type || filter.type === change.type));
    if (!loss) return false;
    if (--loss.remaining <= 0) this.losses.splice(this.losses.indexOf(loss), 1);
    this.log(`events: lost ${EventType[change.type]} of ${change.kind} ${change.object.id} (fault injection)`);
    return true;
  }

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
    if (this.subscribers.size && this.lost(change)) return;
    if (this.held) {
      this.held.push({ change, to: [...this.subscribers] });
      return;
    }
    this.deliver(change, [...this.subscribers]);
  }

  private deliver(change: ObjectChange, to: Subscriber[]): void {
    for (const subscriber of to) {
      if (!this.subscribers.has(subscriber)) continue;
      try {
        subscriber.onChange(change);
      } catch {
        // A subscriber's own failure (its stream already gone) is its business.
      }
    }
  }

  /**
   * Changes published from now on stay in flight until `release()`, which delivers them in
   * order to the subscribers they were published to that are still subscribed (a stream that
   * ended meanwhile never gets them; one subscribed later does not either). Returns how
   * many changes were held.
   */
  hold(): { release(): number } {
    if (this.held) throw new Error("changes are already held");
    const held: Array<{ change: ObjectChange; to: Subscriber[] }> = [];
    this.held = held;
    return {
      release: () => {
        if (this.held === held) this.held = undefined;
        const items = held.splice(0);
        for (const { change, to } of items) this.deliver(change, to);
        return items.length;
      },
    };
  }

  /** Ends every subscription, telling each subscriber; returns how many there were. */
  disconnectAll(): number {
    const all = [...this.subscribers];
    for (const subscriber of all) this.unsubscribe(subscriber);
    for (const subscriber of all) subscriber.onDisconnect?.();
    return all.length;
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
