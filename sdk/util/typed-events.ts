/**
 * An EventTarget whose `addEventListener`/`removeEventListener` know the events' types: the
 * listener of `'presence'` gets `CustomEvent<PresenceDetail>`. Types only: at run time it is the
 * platform's EventTarget, nothing added to the bundle.
 */
/** A listener of one typed event: a function or an object with handleEvent. */
export type TypedListener<E> =
  | ((event: E) => unknown)
  | {
      /** Called with the event, as a listener function would be. */
      handleEvent(event: E): unknown;
    };

/** EventTarget's listener methods, typed by the event map `M` (and untyped for any other name). */
export interface TypedEventTarget<M> extends EventTarget {
  addEventListener<K extends keyof M & string>(type: K, listener: TypedListener<M[K]> | null, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof M & string>(type: K, listener: TypedListener<M[K]> | null, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** `class X extends (EventTarget as TypedEventTargetClass<XEventMap>)`: the platform's EventTarget, typed by `M`. */
export type TypedEventTargetClass<M> = new () => TypedEventTarget<M>;
