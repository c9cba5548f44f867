// Keras' callbacks that write files take their path first or by keyword, and keras.io writes both:
// `ModelCheckpoint("best.keras", monitor="val_loss")` and `ModelCheckpoint(filepath=path, monitor=...)`.
// In TypeScript the keyword form is one options object holding the path: `ModelCheckpoint({ filepath,
// monitor })`. Both are taken; a path given both ways is an error.

/** The path and the other options from either form; `key` is the path's Keras name (camelCase). */
export function pathArgument<O extends object>(where: string, key: string, first: unknown, options: O | undefined): [unknown, O] {
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    if (options !== undefined) throw new Error(`${where}: give the options once: ${where}(${key}, options) or ${where}({ ${key}, ...options })`);
    const { [key]: path, ...rest } = first as Record<string, unknown>;
    return [path, rest as O];
  }
  return [first, options ?? ({} as O)];
}
