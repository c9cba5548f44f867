// The benchmark's image folder: JPEGs the size of seed 000's Kaggle cats-and-dogs photos (about
// 500x375, landscape and portrait, 20-40 KB each), in out/bench-images/{cats,dogs}/, made once with
// sharp and cached (built in a temporary folder and renamed into place, so a stopped run leaves no half
// folder). Smooth shapes and gradients with mild noise, so that the files decode like photos rather than
// like white noise. Prints the folder.
//   node --import tsx bench/images.ts
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { seededRandom } from "../src/data/random.ts";

export const IMAGES_DIR = join(import.meta.dirname, "..", "out", "bench-images");
/** Images per class: 30 batches of 10 per pass. */
export const PER_CLASS = 150;

async function photo(random: () => number, width: number, height: number, warm: boolean): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  const base = warm ? [150, 105, 70] : [80, 105, 140];
  const blobs = Array.from({ length: 6 }, () => ({ x: random() * width, y: random() * height, r: 30 + random() * 120, tint: [random() * 90 - 45, random() * 90 - 45, random() * 90 - 45] }));
  const fx = 0.005 + random() * 0.02;
  const fy = 0.005 + random() * 0.02;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wave = 35 * Math.sin(x * fx + y * fy) + 20 * Math.cos(y * fx * 1.7);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        let v = base[c] + wave;
        for (const b of blobs) {
          const d = (x - b.x) ** 2 + (y - b.y) ** 2;
          if (d < b.r * b.r) v += b.tint[c] + 25;
        }
        px[o + c] = Math.max(0, Math.min(255, v + (random() - 0.5) * 24));
      }
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).blur(0.6).jpeg({ quality: 92 }).toBuffer();
}

/** The folder, made if missing; `perClass` images in each of cats/ and dogs/. */
export async function benchImages(perClass = PER_CLASS): Promise<string> {
  const ok = (d: string) => existsSync(d) && readdirSync(d).length === perClass;
  if (ok(join(IMAGES_DIR, "cats")) && ok(join(IMAGES_DIR, "dogs"))) return IMAGES_DIR;
  const tmp = `${IMAGES_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const random = seededRandom(17);
  process.stderr.write(`bench images: writing ${2 * perClass} JPEGs of about 500x375 to ${IMAGES_DIR} `);
  for (const [kind, folder] of [["cat", "cats"], ["dog", "dogs"]] as const) {
    mkdirSync(join(tmp, folder), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      // The Kaggle photos are mostly 500 wide, some 500 high.
      const landscape = random() < 0.75;
      const long = 500;
      const short = 330 + Math.floor(random() * 90);
      const [w, h] = landscape ? [long, short] : [short, long];
      writeFileSync(join(tmp, folder, `${kind}.${i}.jpg`), await photo(random, w, h, kind === "cat"));
      if (i % 25 === 0) process.stderr.write(".");
    }
  }
  mkdirSync(dirname(IMAGES_DIR), { recursive: true });
  rmSync(IMAGES_DIR, { recursive: true, force: true });
  renameSync(tmp, IMAGES_DIR);
  process.stderr.write(" done\n");
  return IMAGES_DIR;
}

/** Mean file size in KB, for the record. */
export function meanFileKB(dir = IMAGES_DIR): number {
  const files = ["cats", "dogs"].flatMap((c) => readdirSync(join(dir, c)).map((f) => join(dir, c, f)));
  return files.reduce((s, f) => s + statSync(f).size, 0) / files.length / 1024;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await benchImages();
  console.log(`${dir} (${2 * PER_CLASS} JPEGs, ${meanFileKB(dir).toFixed(1)} KB on average)`);
}
