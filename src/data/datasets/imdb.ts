// keras.datasets.imdb: 25,000 + 25,000 movie reviews labelled by sentiment, each a list of word
// indices (ranked by frequency), from Keras' imdb.npz, shuffled and re-indexed as Keras' load_data does
// (numpy's RandomState(seed) shuffle, start and out-of-vocabulary characters, index offset, numWords,
// skipTop, maxlen). getWordIndex() reads Keras' imdb_word_index.json.
//
// Porting note: Keras returns object arrays of Python lists; tsdl returns the reviews as number[][]
// (tensors cannot be ragged: `keras.utils.padSequences(xTrain, { maxlen })` makes the tensor) and
// the labels as int32 tensors.
import tf from "../../tfjs.cjs";
import { readNpz, type NpyArray } from "../npz.js";
import { MT19937 } from "../numpy_random.js";
import { locate, type LoadOptions } from "./fetch_files.js";
import { asDataset, type LoadedFrom } from "./dataset.js";

const BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";
export const IMDB_FILE = { name: "imdb.npz", url: `${BASE}imdb.npz`, sha256: "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f" };
export const IMDB_WORD_INDEX_FILE = { name: "imdb_word_index.json", url: `${BASE}imdb_word_index.json`, md5: "bfafd718b763782e994055a2d397834f" };

export interface ImdbOptions extends LoadOptions {
  /** Keep the numWords most frequent words; others become oovChar. Default all. */
  numWords?: number | null;
  /** Treat the skipTop most frequent words as out of vocabulary too. Default 0. */
  skipTop?: number;
  /** Drop reviews of maxlen words or more (counting the start character). Default none. */
  maxlen?: number | null;
  /** The shuffle's seed (numpy's RandomState). Default 113. */
  seed?: number;
  /** Put first in every review. Default 1 (null: none). */
  startChar?: number | null;
  /** Replaces words cut by numWords or skipTop. Default 2 (null: such words are dropped). */
  oovChar?: number | null;
  /** Added to every word index. Default 3. */
  indexFrom?: number;
}

/** `[[xTrain, yTrain], [xTest, yTest]]`: reviews as lists of word indices, labels 0/1 as int32 tensors. */
export type ImdbDataset = [[number[][], tf.Tensor1D], [number[][], tf.Tensor1D]] & LoadedFrom;

function intOption(option: string, v: unknown, min: number, nullable: boolean): number | null | undefined {
  if (v === undefined || (nullable && v === null)) return v as null | undefined;
  if (!Number.isInteger(v) || (v as number) < min) throw new Error(`imdb.loadData: ${option} must be an integer >= ${min}${nullable ? " or null" : ""}, got ${JSON.stringify(v)}`);
  return v as number;
}

function reviews(a: NpyArray | undefined, key: string, file: string): number[][] {
  if (!a) throw new Error(`imdb.loadData: ${file} has no ${key} array`);
  if (!a.objects) throw new Error(`imdb.loadData: ${key} in ${file} has dtype ${a.dtype}, expected an object array of word-index lists`);
  return a.objects.map((r, i) => {
    if (!Array.isArray(r) || r.some((w) => !Number.isInteger(w))) throw new Error(`imdb.loadData: review ${i} of ${key} in ${file} is not a list of integers`);
    return r as number[];
  });
}

function labels(a: NpyArray | undefined, key: string, file: string, n: number): number[] {
  if (!a || a.objects) throw new Error(`imdb.loadData: ${file} has no numeric ${key} array`);
  if (a.data.length !== n) throw new Error(`imdb.loadData: ${key} in ${file} has ${a.data.length} labels for ${n} reviews`);
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

/** Keras' `imdb.load_data(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)`. */
export async function loadData(options: ImdbOptions = {}): Promise<ImdbDataset> {
  const numWords = intOption("numWords", options.numWords, 1, true);
  const skipTop = intOption("skipTop", options.skipTop, 0, false) ?? 0;
  const maxlen = intOption("maxlen", options.maxlen, 1, true);
  const seed = intOption("seed", options.seed, 0, false) ?? 113;
  const startChar = options.startChar === undefined ? 1 : (intOption("startChar", options.startChar, 0, true) as number | null);
  const oovChar = options.oovChar === undefined ? 2 : (intOption("oovChar", options.oovChar, 0, true) as number | null);
  const indexFrom = intOption("indexFrom", options.indexFrom, 0, false) ?? 3;
  const { files, source } = await locate("imdb", "imdb.loadData", [IMDB_FILE], options);
  const file = source === options.path ? source : IMDB_FILE.name;
  const arrays = readNpz(files[IMDB_FILE.name], file);
  const rng = new MT19937(seed);
  const split = (xKey: string, yKey: string): [number[][], number[]] => {
    const x = reviews(arrays[xKey], xKey, file);
    const y = labels(arrays[yKey], yKey, file, x.length);
    const order = rng.shuffle(Array.from({ length: x.length }, (_, i) => i));
    let xs = order.map((i) => x[i]);
    const ys = order.map((i) => y[i]);
    xs = xs.map((r) => (startChar === null ? r.map((w) => w + indexFrom) : [startChar, ...r.map((w) => w + indexFrom)]));
    if (maxlen) {
      const keep = xs.map((r) => r.length < maxlen);
      const kept: [number[][], number[]] = [xs.filter((_, i) => keep[i]), ys.filter((_, i) => keep[i])];
      if (!kept[0].length) throw new Error(`imdb.loadData: no review of ${xKey} is shorter than maxlen=${maxlen}; increase maxlen`);
      return kept;
    }
    return [xs, ys];
  };
  const [xTrain, yTrain] = split("x_train", "y_train");
  const [xTest, yTest] = split("x_test", "y_test");
  let words = numWords;
  if (!words) {
    words = 0;
    for (const r of [...xTrain, ...xTest]) for (const w of r) if (w > words) words = w;
  }
  const cut = (r: number[]) => (oovChar === null ? r.filter((w) => w >= skipTop && w < words!) : r.map((w) => (w >= skipTop && w < words! ? w : oovChar)));
  return asDataset([[xTrain.map(cut), tf.tensor1d(yTrain, "int32")], [xTest.map(cut), tf.tensor1d(yTest, "int32")]], "IMDB", source, false, "reviews");
}

/** Keras' `imdb.get_word_index()`: word -> its frequency rank (before loadData's indexFrom offset). */
export async function getWordIndex(options: LoadOptions = {}): Promise<Record<string, number>> {
  const { files, source } = await locate("imdb", "imdb.getWordIndex", [IMDB_WORD_INDEX_FILE], options);
  try {
    return JSON.parse(files[IMDB_WORD_INDEX_FILE.name].toString("utf8"));
  } catch (e) {
    throw new Error(`imdb.getWordIndex: ${source} is not JSON: ${(e as Error).message}`);
  }
}
