import type { EventName, EventPayload } from '../../shared/contract';

type Listener<K extends EventName> = (payload: EventPayload<K>) => void;

/** The host's event bus: transports subscribe to it and forward events to the renderer. */
export interface EventHub {
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void;
  on<K extends EventName>(event: K, listener: Listener<K>): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Map<EventName, Set<Listener<EventName>>>();
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as Listener<EventName>);
      return () => set.delete(listener as Listener<EventName>);
    },
  };
}
