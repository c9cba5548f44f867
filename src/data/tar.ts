// Reading (gzipped) tar archives: the CIFAR-10 binary archive.
import { gunzipIfNeeded } from "./gunzip.js";

export interface TarEntry {
  name: string;
  data: Buffer;
}

export function readTar(raw: Buffer, file: string): TarEntry[] {
  const buf = gunzipIfNeeded(raw, file);
  const entries: TarEntry[] = [];
  let p = 0;
  while (p + 512 <= buf.length) {
    const header = buf.subarray(p, p + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    const prefix = header.toString("utf8", 345, 500).replace(/\0.*$/s, "");
    const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    if (!Number.isFinite(size)) throw new Error(`${file}: damaged tar header at byte ${p}`);
    if (p + 512 + size > buf.length) throw new Error(`${file}: truncated tar archive (${prefix ? prefix + "/" : ""}${name} needs ${size} bytes)`);
    if (type === "0" || type === "\0") entries.push({ name: prefix ? `${prefix}/${name}` : name, data: buf.subarray(p + 512, p + 512 + size) });
    p += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}
