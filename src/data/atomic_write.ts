// Cache files are written whole or not at all: under a temporary name of this process beside the
// destination, then renamed into place, so that other processes filling the same cache at the same time
// (many kernels of one user, a class on one server) never read half a file.
import { renameSync, rmSync, writeFileSync } from "node:fs";

let counter = 0;

/** Writes `data` to `file` atomically (temp + rename in the same folder). */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  const tmp = `${file}.tmp-${process.pid}-${++counter}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
