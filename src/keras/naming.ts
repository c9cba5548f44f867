// Keras' automatic object names: the first Dense is `dense`, then `dense_1`, `dense_2`, ...
// (inputs start at `input_1`, as in Keras 2). `clearSession()` starts the counts again.
const counts = new Map<string, number>();

/** `BatchNormalization` -> `batch_normalization`, `Conv2D` -> `conv2d`, `ReLU` -> `re_lu` (as Keras). */
export function snakeCase(className: string): string {
  const s = className.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return s.replace(/^_+/, "");
}

/** The next unused name with this prefix, numbered as Keras numbers it. */
export function uniqueName(prefix: string, zeroBased = true): string {
  const n = counts.get(prefix) ?? 0;
  counts.set(prefix, n + 1);
  if (zeroBased) return n === 0 ? prefix : `${prefix}_${n}`;
  return `${prefix}_${n + 1}`;
}

/** Resets automatic names, like `keras.backend.clear_session()`. */
export function resetNames(): void {
  counts.clear();
}
