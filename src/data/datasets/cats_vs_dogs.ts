// Dogs vs cats, as seed 000 uses it: the public cats-and-dogs archive that Keras' own example downloads
// (PetImages/Cat, PetImages/Dog), corrupt images dropped, and the small split of the article:
// <dest>/train/{cats,dogs}, <dest>/validation/{cats,dogs}. Written to a temporary folder first and
// renamed into place, so an interrupted preparation leaves no half-made split.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadSharp } from "../../load_sharp.js";
import { datasetCache } from "../home.js";
import { readZip, type ZipEntry } from "../zip.js";
import { progress } from "../progress.js";
import { throwIfInterrupted } from "../../interrupt.js";
import { locate, type LoadOptions } from "./fetch_files.js";
import { writePetImagesZip } from "../stand_in.js";

export const PET_IMAGES_FILE = {
  name: "kagglecatsanddogs_5340.zip",
  url: "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip",
};

export interface SmallDataOptions extends LoadOptions {
  /** Where the split goes. Default `<TSDL_HOME>/datasets/cats_vs_dogs/smallData`. */
  dest?: string;
  /** Training images per class. Default 1000 (2,000 in all, as the article's "Found 2000 images"). */
  trainPerClass?: number;
  /** Validation images per class. Default 500. */
  validationPerClass?: number;
}

export interface SmallData {
  /** The split's folder, with train/ and validation/ inside. */
  dir: string;
  train: string;
  validation: string;
  /** Images written. */
  kept: number;
  /** Images examined and dropped as corrupt, by archive path. */
  dropped: string[];
  source: string;
  /** True when the images are a generated stand-in, not the real photos. */
  standIn: boolean;
}

/** A JPEG sharp decodes completely, with the "JFIF" marker Keras' example checks for. */
async function isGoodJpeg(data: Buffer): Promise<boolean> {
  if (data.length < 11 || data[0] !== 0xff || data[1] !== 0xd8) return false;
  const sharp = await loadSharp();
  try {
    await sharp(data, { failOn: "truncated" }).stats();
    return true;
  } catch {
    return false;
  }
}

function numbered(entries: ZipEntry[], folder: string): ZipEntry[] {
  const re = new RegExp(`^PetImages/${folder}/(\\d+)\\.jpg$`, "i");
  return entries.filter((e) => re.test(e.name)).sort((a, b) => Number(re.exec(a.name)![1]) - Number(re.exec(b.name)![1]));
}

/** Downloads (or finds) the archive and prepares the small train/validation split; reports what it kept. */
export async function prepareSmallData(options: SmallDataOptions = {}): Promise<SmallData> {
  const trainPerClass = options.trainPerClass ?? 1000;
  const validationPerClass = options.validationPerClass ?? 500;
  const need = trainPerClass + validationPerClass;
  const splitOf = (d: string) => ({ dir: d, train: join(d, "train"), validation: join(d, "validation") });
  const prepared = (d: string, standIn: boolean): SmallData | undefined => {
    if (!existsSync(join(d, ".complete"))) return undefined;
    const meta = JSON.parse(readFileSync(join(d, ".complete"), "utf8")) as { trainPerClass: number; validationPerClass: number; dropped: string[] };
    if (meta.trainPerClass !== trainPerClass || meta.validationPerClass !== validationPerClass) return undefined;
    console.log(`cats vs dogs${standIn ? " STAND-IN" : ""}: using the prepared split in ${d}`);
    return { ...splitOf(d), kept: 2 * need, dropped: meta.dropped, source: d, standIn };
  };
  const realDir = resolve(options.dest ?? join(datasetCache("cats_vs_dogs"), "smallData"));
  const ready = prepared(realDir, false);
  if (ready) return ready;
  const { files, source, standIn } = await locate("cats_vs_dogs", "catsVsDogs.prepareSmallData", [PET_IMAGES_FILE], options, [], (d) => {
    mkdirSync(d, { recursive: true });
    return writePetImagesZip(join(d, PET_IMAGES_FILE.name), need + 3, [1, 4], 96);
  });
  const dir = standIn && !options.dest ? resolve(join(datasetCache("cats_vs_dogs-stand-in"), "smallData")) : realDir;
  if (standIn) {
    const again = prepared(dir, true);
    if (again) return again;
  }
  const { train, validation } = splitOf(dir);
  const entries = readZip(files[PET_IMAGES_FILE.name], PET_IMAGES_FILE.name);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const dropped: string[] = [];
  let kept = 0;
  const bar = progress("Preparing cats vs dogs", "items", 2 * need);
  try {
    for (const [folder, cls, stem] of [["Cat", "cats", "cat"], ["Dog", "dogs", "dog"]] as const) {
      let n = 0;
      for (const e of numbered(entries, folder)) {
        if (n === need) break;
        throwIfInterrupted("preparing the cats-vs-dogs split");
        const data = e.read();
        if (!(await isGoodJpeg(data))) {
          dropped.push(e.name);
          continue;
        }
        const part = n < trainPerClass ? "train" : "validation";
        mkdirSync(join(tmp, part, cls), { recursive: true });
        writeFileSync(join(tmp, part, cls, `${stem}.${n}.jpg`), data);
        n++;
        kept++;
        bar.update(kept);
      }
      if (n < need) throw new Error(`catsVsDogs.prepareSmallData: the archive has only ${n} good ${cls} images, ${need} are needed (train ${trainPerClass} + validation ${validationPerClass})`);
    }
    writeFileSync(join(tmp, ".complete"), JSON.stringify({ trainPerClass, validationPerClass, dropped }));
    mkdirSync(resolve(dir, ".."), { recursive: true });
    // Another process may have finished the same split meanwhile: keep its folder, which may be in use.
    const done = prepared(dir, standIn);
    if (done) {
      rmSync(tmp, { recursive: true, force: true });
      bar.finish(`Preparing cats vs dogs: another process prepared ${dir}`);
      return done;
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    bar.finish("Preparing cats vs dogs: failed");
    throw e;
  }
  bar.finish(`Prepared ${dir}: kept ${kept} images, dropped ${dropped.length} corrupt`);
  if (dropped.length) console.log(`Dropped as corrupt: ${dropped.join(", ")}`);
  return { dir, train, validation, kept, dropped, source, standIn };
}
