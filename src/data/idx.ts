// The IDX format of MNIST and Fashion-MNIST (big-endian header: magic 0x00000803 images, 0x00000801
// labels, then the dimensions, then uint8 data), optionally gzipped.
import { gunzipIfNeeded } from "./gunzip.js";

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function parseIdx(raw: Buffer, file: string): IdxArray {
  const buf = gunzipIfNeeded(raw, file);
  if (buf.length < 8 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    throw new Error(`${file}: not an IDX file of unsigned bytes (expected magic 0x000008nn, got ${buf.subarray(0, 4).toString("hex")})`);
  }
  const rank = buf[3];
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (buf.length - offset !== size) {
    throw new Error(`${file}: truncated or damaged IDX file: its header says [${shape.join(", ")}] (${size} bytes of data) but it holds ${buf.length - offset}`);
  }
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}
