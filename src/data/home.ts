// Where datasets live: TSDL_HOME (default ~/.tsdl) holds the download cache; TSDL_DATA_DIR and known
// system copies are read first, without downloading.
import { homedir } from "node:os";
import { join } from "node:path";

/** tsdl's home folder: `TSDL_HOME`, else `~/.tsdl`. */
export function tsdlHome(): string {
  return process.env.TSDL_HOME || join(homedir(), ".tsdl");
}

/** The cache folder of one dataset: `<TSDL_HOME>/datasets/<name>`. */
export function datasetCache(name: string): string {
  return join(tsdlHome(), "datasets", name);
}

/** Folders searched for a dataset's files before any download, in order. */
export function offlineDirs(name: string, systemCopies: string[] = []): string[] {
  const dirs: string[] = [];
  if (process.env.TSDL_DATA_DIR) dirs.push(join(process.env.TSDL_DATA_DIR, name), process.env.TSDL_DATA_DIR);
  return [...dirs, ...systemCopies, datasetCache(name)];
}
