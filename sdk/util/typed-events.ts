/**
 * An EventTarget whose `addEventListener`/`removeEventListener` know the events' types: the
 * listener of `'presence'` gets `CustomEvent<PresenceDetail>`. Types only: at run time it is the
 * platform's EventTarget, nothing added to the bundle.
 */
type Listener<E> = ((event: E) => unknown) | { handleEvent(event: E): unknown };

export interface TypedEventTarget<M> extends EventTarget {
  addEventListener<K extends keyof M & string>(type: K, listener: Listener<M[K]> | null, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof M & string>(type: K, listener: Listener<M[K]> | null, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** `class X extends (EventTarget as TypedEventTargetClass<XEventMap>)`: the platform's EventTarget, typed by `M`. */
export type TypedEventTargetClass<M> = new () => TypedEventTarget<M>;
