// Python makes objects by calling their class (`widgets.IntSlider(value=3)`,
// `keras.callbacks.EarlyStopping(patience=2)`), and tsdl's layers are called without `new` too
// (`layers.Dense(10)`): widget and callback classes are exported so that both
// `widgets.IntSlider({ value: 3 })` and `new widgets.IntSlider({ value: 3 })` make one. The class itself
// is unchanged (instanceof, subclassing and its type work as before).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = abstract new (...args: any[]) => unknown;

/** The class, also callable: a call constructs, as `new` does. */
export type Newless<C extends AnyClass> = C & ((...args: ConstructorParameters<C>) => InstanceType<C>);

export function newless<C extends AnyClass>(cls: C): Newless<C> {
  return new Proxy(cls, {
    apply: (target, _this, args: unknown[]) => Reflect.construct(target as unknown as new (...a: unknown[]) => unknown, args),
  }) as Newless<C>;
}
