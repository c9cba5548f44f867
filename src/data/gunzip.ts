// Dataset files come gzipped or not: gunzip when the gzip magic is there, with an error naming the file.
import { gunzipSync } from "node:zlib";

export function gunzipIfNeeded(raw: Buffer, file: string): Buffer {
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new Error(`${file}: not a valid gzip file (truncated or damaged?): ${(e as Error).message}`);
  }
}
