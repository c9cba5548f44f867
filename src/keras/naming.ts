// Keras 3's automatic object names (keras/src/utils/naming.py): a class name in snake case, made unique
// by one counter per prefix shared by every object: the first Dense is `dense`, then `dense_1`, ...
// Inputs are `input_layer`, `input_layer_1`; functional models `functional`, Sequential `sequential`.
// `clearSession()` starts the counts again.
const counts = new Map<string, number>();

/**
 * Keras 3's `to_snake_case`: `BatchNormalization` -> `batch_normalization`, `Conv2D` -> `conv2d`,
 * `MaxPooling2D` -> `max_pooling2d`, `ReLU` -> `re_lu`, `PReLU` -> `p_re_lu`.
 */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** Keras 3's `uniquify`: the name itself the first time, then `name_1`, `name_2`, ... */
export function uniqueName(prefix: string): string {
  const n = counts.get(prefix) ?? 0;
  counts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Keras 3's `auto_name(className)`. */
export function autoName(className: string): string {
  return uniqueName(snakeCase(className));
}

/** Resets automatic names, like `keras.backend.clear_session()`. */
export function resetNames(): void {
  counts.clear();
}
