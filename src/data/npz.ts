// NumPy's .npy arrays and .npz archives (Keras' mnist.npz): uint8/int/float arrays, C order, and
// object arrays (Keras' imdb.npz: lists of word indices), whose elements NumPy stores as a pickle.
import { readZip } from "./zip.js";
import { unpickle, type PickledArray } from "./pickle.js";

export interface NpyArray {
  shape: number[];
  dtype: string;
  data: Uint8Array | Int32Array | Float32Array | Float64Array | BigInt64Array;
  /** For dtype object ("|O"): the elements, C order (`data` is then empty). */
  objects?: unknown[];
}

const TYPES: Record<string, [new (b: ArrayBuffer, o: number, n: number) => NpyArray["data"], number]> = {
  "|u1": [Uint8Array, 1],
  "<u1": [Uint8Array, 1],
  "<i4": [Int32Array, 4],
  "<f4": [Float32Array, 4],
  "<f8": [Float64Array, 8],
  "<i8": [BigInt64Array, 8],
};

export function parseNpy(buf: Buffer, file: string): NpyArray {
  if (buf.length < 10 || buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${file}: not a .npy array (bad magic)`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString("latin1", major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`${file}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran) throw new Error(`${file}: Fortran-ordered arrays are not supported`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (descr === "|O") {
    const v = unpickle(buf.subarray(start), file) as PickledArray;
    if (typeof v !== "object" || v === null || v.kind !== "ndarray" || !v.objects) throw new Error(`${file}: an object array whose pickle is not a NumPy object array`);
    return { shape, dtype: descr, data: new Uint8Array(0), objects: v.objects };
  }
  const type = TYPES[descr];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr} (supported: ${Object.keys(TYPES).join(", ")})`);
  const [Ctor, bytes] = type;
  const n = shape.reduce((a, b) => a * b, 1);
  if (buf.length - start < n * bytes) throw new Error(`${file}: truncated .npy array: [${shape.join(", ")}] needs ${n * bytes} bytes, ${buf.length - start} present`);
  const copy = Buffer.from(buf.subarray(start, start + n * bytes)); // aligned copy
  return { shape, dtype: descr, data: new Ctor(copy.buffer, copy.byteOffset, n) };
}

export function readNpz(buf: Buffer, file: string): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = {};
  for (const e of readZip(buf, file)) out[e.name.replace(/\.npy$/, "")] = parseNpy(e.read(), `${file}:${e.name}`);
  return out;
}
