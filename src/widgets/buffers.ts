// Binary buffers in widget state (Jupyter widgets message protocol 2.1): binary values are taken out of
// the JSON state and sent as message buffers, each with the path (keys and indices) where it belongs.

export type BufferPath = (string | number)[];

function isBinary(v: unknown): v is Uint8Array | ArrayBuffer | DataView {
  return v instanceof Uint8Array || v instanceof ArrayBuffer || v instanceof DataView || ArrayBuffer.isView(v);
}

function bytes(v: Uint8Array | ArrayBuffer | DataView | ArrayBufferView): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** The state without its binary values, the paths they were at, and the values (as ipywidgets' _remove_buffers). */
export function removeBuffers(state: Record<string, unknown>): { state: Record<string, unknown>; bufferPaths: BufferPath[]; buffers: Uint8Array[] } {
  const bufferPaths: BufferPath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((v, i) => {
        if (isBinary(v)) {
          bufferPaths.push([...path, i]);
          buffers.push(bytes(v));
          out.push(null);
        } else out.push(walk(v, [...path, i]));
      });
      return out;
    }
    if (value && typeof value === "object" && !isBinary(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (isBinary(v)) {
          bufferPaths.push([...path, k]);
          buffers.push(bytes(v));
        } else out[k] = walk(v, [...path, k]);
      }
      return out;
    }
    return value;
  };
  return { state: walk(state, []) as Record<string, unknown>, bufferPaths, buffers };
}

/** Puts received buffers back at their paths (in place). */
export function putBuffers(state: Record<string, unknown>, bufferPaths: BufferPath[], buffers: Uint8Array[]): void {
  if (bufferPaths.length !== buffers.length) throw new Error(`widget message: ${bufferPaths.length} buffer_paths but ${buffers.length} buffers`);
  bufferPaths.forEach((path, i) => {
    if (!path.length) throw new Error("widget message: an empty buffer path");
    let obj = state as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      if (obj[key] == null) obj[key] = typeof key === "number" ? [] : {};
      obj = obj[key] as Record<string | number, unknown>;
    }
    obj[path[path.length - 1]] = buffers[i];
  });
}
