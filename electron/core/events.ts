import type { EventMap, EventName } from '../contract';
import type { Listener } from './types';

/** A typed event hub; a throwing listener never breaks the others or the emitter. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        console.error(`edgepack: a listener for ${event} failed:`, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
