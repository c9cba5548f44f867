// Finds a dataset's files offline (an explicit path, TSDL_DATA_DIR, known system copies, the cache) or
// downloads them into the cache, and says where they came from.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { datasetCache, offlineDirs } from "../home.js";
import { download, type Checksum } from "../download.js";

export interface RemoteFile extends Checksum {
  /** File name, as in the dataset's canonical location. */
  name: string;
  /** The canonical URL (the one Keras uses, unless noted). */
  url: string;
}

export interface LoadOptions {
  /** A folder (or, for one-file datasets, the file) that holds the dataset's files. Tried first. */
  path?: string;
  /** Replace the canonical base URL (a mirror on a local network, or a test server). */
  baseUrl?: string;
  /** Expected checksums by file name, replacing the built-in ones (for a mirror's own files). */
  checksums?: Record<string, Checksum>;
  /** Never download; fail if the files are not on this machine. Default false. */
  offline?: boolean;
  /** Look in known system copies (Debian's dataset packages). Default true. */
  useSystemCopies?: boolean;
  /**
   * If the real files can be neither found nor downloaded, generate a stand-in in the dataset's own
   * format (NOT the real data; said plainly) instead of failing. For notebooks that must run anywhere.
   * Default false.
   */
  standInIfMissing?: boolean;
}

export interface Located {
  /** File name -> its bytes. */
  files: Record<string, Buffer>;
  /** Where they came from: a folder, or a URL. */
  source: string;
  /** True when these are generated stand-in files, not the real dataset. */
  standIn: boolean;
}

function findIn(dir: string, names: string[]): boolean {
  return names.every((n) => existsSync(join(dir, n)) && statSync(join(dir, n)).isFile());
}

export async function locate(
  dataset: string,
  label: string,
  files: RemoteFile[],
  options: LoadOptions,
  systemCopies: string[] = [],
  makeStandIn?: (dir: string) => unknown,
): Promise<Located> {
  const names = files.map((f) => f.name);
  if (options.useSystemCopies === false) systemCopies = [];
  const read = (dir: string) => Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n))]));
  if (options.path) {
    if (files.length === 1 && existsSync(options.path) && statSync(options.path).isFile()) return { files: { [names[0]]: readFileSync(options.path) }, source: options.path, standIn: false };
    if (!findIn(options.path, names)) throw new Error(`${label}: ${options.path} does not hold ${names.join(", ")}`);
    return { files: read(options.path), source: options.path, standIn: false };
  }
  for (const dir of offlineDirs(dataset, systemCopies)) if (findIn(dir, names)) return { files: read(dir), source: dir, standIn: false };
  const cache = datasetCache(dataset);
  if (options.offline) {
    throw new Error(`${label}: not found on this machine (looked in ${offlineDirs(dataset, systemCopies).join(", ")}) and offline is set; put ${names.join(", ")} in one of those folders (see the README)`);
  }
  try {
    for (const f of files) {
      const url = options.baseUrl ? `${options.baseUrl.replace(/\/$/, "")}/${f.name}` : f.url;
      const checksum = options.checksums?.[f.name] ?? (options.baseUrl ? {} : { sha256: f.sha256, md5: f.md5 });
      await download(url, join(cache, f.name), checksum);
    }
  } catch (e) {
    if (!options.standInIfMissing || !makeStandIn || (e as Error).name === "KeyboardInterrupt") throw e;
    const dir = datasetCache(`${dataset}-stand-in`);
    if (!findIn(dir, names)) await makeStandIn(dir);
    console.warn(
      `${label}: the real dataset is not on this machine and cannot be downloaded here (${(e as Error).message.split("\n")[0]}). ` +
        `Using a GENERATED STAND-IN in the dataset's own format from ${dir}: it is not the real data, and results on it say nothing about the article's numbers.`,
    );
    return { files: read(dir), source: `stand-in (generated) ${dir}`, standIn: true };
  }
  return { files: read(cache), source: options.baseUrl ?? files[0].url.replace(/[^/]*$/, ""), standIn: false };
}
