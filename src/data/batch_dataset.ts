// A small tf.data.Dataset: a finite sequence of elements (tuples of tensors, e.g. [images, labels]
// batches) that can be iterated again and again, one pass per `for await` (fit takes one pass an epoch),
// with the chain Keras users write on what image_dataset_from_directory returns: take, skip, map,
// shuffle, prefetch, cache. Each element handed out belongs to the consumer (fit disposes it); elements
// made but never handed out (prefetched, skipped, left in a shuffle buffer) are disposed here, also when
// a pass is abandoned with `break` or the iterator's return().
import tf from "../tfjs.cjs";
import { seededRandom } from "./random.js";

/** An element: [x, y], or [x] for a dataset without labels. */
export type Element = tf.Tensor[];

function release(e: Element | undefined): void {
  if (e) tf.dispose(e);
}

/** The pieces a dataset passes on to those made from it (the class names of the images, ...). */
export interface DatasetInfo {
  /** Class names of the labels, in label order (null without labels). */
  classNames: string[] | null;
  /** The files of the elements, in file order (before the per-pass shuffle). */
  filePaths: string[];
  /** Turns on the source's cache of decoded files (cache()). */
  enableCache?: () => void;
}

export class BatchDataset<E extends Element = [tf.Tensor, tf.Tensor]> implements AsyncIterable<E> {
  /**
   * @param pass makes the generator of one pass over the elements
   * @param length elements in a pass (Keras' `len(dataset)`, the dataset's cardinality)
   */
  constructor(
    private readonly pass: () => AsyncGenerator<E, void, undefined>,
    readonly length: number,
    protected readonly info: DatasetInfo,
  ) {}

  /** Keras' `class_names`: the class of each label index (null without labels). */
  get classNames(): string[] | null {
    return this.info.classNames;
  }

  /** Keras' `file_paths`: the files of this dataset, in the order they were indexed. */
  get filePaths(): string[] {
    return this.info.filePaths;
  }

  [Symbol.asyncIterator](): AsyncGenerator<E, void, undefined> {
    return this.pass();
  }

  private derive<R extends Element>(pass: () => AsyncGenerator<R, void, undefined>, length: number): BatchDataset<R> {
    return new BatchDataset<R>(pass, length, this.info);
  }

  /** The first `count` elements of each pass (all of them for count -1, as tf.data). */
  take(count: number): BatchDataset<E> {
    checkCount("take", count);
    if (count < 0) return this;
    const source = this;
    return this.derive(async function* () {
      if (count === 0) return;
      let n = 0;
      for await (const e of source) {
        yield e;
        if (++n >= count) break; // closes the source's pass, which frees what it made ahead
      }
    }, Math.min(count, this.length));
  }

  /** Each pass without its first `count` elements (all of them for count -1, as tf.data). */
  skip(count: number): BatchDataset<E> {
    checkCount("skip", count);
    if (count < 0) count = Infinity;
    const source = this;
    return this.derive(async function* () {
      let n = 0;
      for await (const e of source) {
        if (n++ < count) release(e);
        else yield e;
      }
    }, Math.max(0, this.length - count));
  }

  /**
   * Each element through `fn`, which gets the element's tensors as arguments (`(x, y) => [f(x), y]`) and
   * returns the new element (or one tensor). `fn` runs inside tf.tidy; the old tensors it does not
   * return are disposed.
   *
   * Porting note: `fn` is a synchronous function of tfjs tensors (Keras traces a TensorFlow graph);
   * num_parallel_calls has no equivalent (JavaScript runs one function at a time; decoding already runs on
   * sharp's threads).
   */
  map<R extends Element>(fn: (...element: E) => [...R]): BatchDataset<R>;
  map(fn: (...element: E) => tf.Tensor): BatchDataset<[tf.Tensor]>;
  map(fn: (...element: E) => tf.Tensor | Element): BatchDataset<Element> {
    if (typeof fn !== "function") throw new TypeError(`Dataset.map: fn must be a function of the element's tensors, got ${typeof fn}`);
    const source = this;
    return this.derive(async function* () {
      for await (const e of source) {
        let out: Element;
        try {
          out = tf.tidy(() => {
            const r = fn(...e);
            if ((r as unknown) instanceof Promise) throw new TypeError("Dataset.map: fn must return tensors, not a Promise (it runs synchronously, inside tf.tidy)");
            const list = r instanceof tf.Tensor ? [r] : r;
            if (!Array.isArray(list) || !list.every((t) => t instanceof tf.Tensor)) throw new TypeError("Dataset.map: fn must return a tensor or an array of tensors");
            return list;
          });
        } catch (err) {
          release(e);
          throw err;
        }
        const kept = new Set(out);
        tf.dispose(e.filter((t) => !kept.has(t)));
        yield out;
      }
    }, this.length);
  }

  /**
   * Elements drawn at random from a buffer of `bufferSize`, refilled from the source, as tf.data's
   * shuffle; a new order each pass unless reshuffleEachIteration is false.
   *
   * Porting note: the random numbers are tsdl's (seeded by `seed`), not TensorFlow's, so the order
   * differs from Keras' for the same seed.
   */
  shuffle(bufferSize: number, options: { seed?: number; reshuffleEachIteration?: boolean } = {}): BatchDataset<E> {
    if (!(Number.isInteger(bufferSize) && bufferSize > 0)) throw new Error(`Dataset.shuffle: bufferSize must be a positive integer, got ${JSON.stringify(bufferSize)}`);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    const reshuffle = options.reshuffleEachIteration ?? true;
    const shared = seededRandom(seed);
    const source = this;
    return this.derive(async function* () {
      const random = reshuffle ? shared : seededRandom(seed);
      const buffer: E[] = [];
      try {
        for await (const e of source) {
          buffer.push(e);
          if (buffer.length >= bufferSize) yield pick(buffer, random);
        }
        while (buffer.length) yield pick(buffer, random);
      } finally {
        for (const e of buffer.splice(0)) release(e);
      }
    }, this.length);
    function pick(buffer: E[], random: () => number): E {
      const j = Math.floor(random() * buffer.length);
      const e = buffer[j];
      buffer[j] = buffer[buffer.length - 1];
      buffer.pop();
      return e;
    }
  }

  /**
   * Keeps `bufferSize` elements in the making ahead of the consumer (tf.data.AUTOTUNE: -1, taken as 2).
   * The images of imageDatasetFromDirectory are already decoded ahead; this adds more lookahead.
   */
  prefetch(bufferSize = -1): BatchDataset<E> {
    if (!(Number.isInteger(bufferSize) && (bufferSize > 0 || bufferSize === -1))) throw new Error(`Dataset.prefetch: bufferSize must be a positive integer or -1 (AUTOTUNE), got ${JSON.stringify(bufferSize)}`);
    const depth = bufferSize === -1 ? 2 : bufferSize;
    const source = this;
    return this.derive(async function* () {
      const it = source[Symbol.asyncIterator]();
      const ahead: Promise<IteratorResult<E, void>>[] = [];
      let done = false;
      const fill = () => {
        while (!done && ahead.length < depth + 1) {
          const p = it.next();
          p.catch(() => {});
          ahead.push(p);
          p.then((r) => void (r.done && (done = true)), () => void (done = true));
        }
      };
      try {
        for (;;) {
          fill();
          const r = await ahead.shift()!;
          if (r.done) return;
          yield r.value;
        }
      } finally {
        for (const p of ahead.splice(0)) {
          try {
            const r = await p;
            if (!r.done) release(r.value);
          } catch {
            /* a failed element holds nothing */
          }
        }
        await it.return(undefined);
      }
    }, this.length);
  }

  /**
   * Keeps what the source decoded in memory from the first pass on, so later passes read no files.
   *
   * Porting note: the decoded images (bytes in JavaScript memory, no tensors) are kept, not the
   * elements after map(); a random map (augmentation) therefore draws anew each pass, wherever cache()
   * stands in the chain. A filename (Keras' cache on disk) is not supported.
   */
  cache(filename?: string): BatchDataset<E> {
    if (filename) throw new Error(`Dataset.cache: caching to a file (${filename}) is not supported by tsdl; cache() keeps the decoded images in memory`);
    this.info.enableCache?.();
    return this;
  }

  toString(): string {
    return `BatchDataset(${this.length} elements${this.info.classNames ? `, classNames: ${this.info.classNames.join(", ")}` : ""})`;
  }

  /** In a notebook: the one line toString() gives (not every field and file path, as Node's inspect would). */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }
}

function checkCount(what: string, count: number): void {
  if (!(Number.isInteger(count) && count >= -1)) throw new Error(`Dataset.${what}: count must be an integer >= 0 (or -1), got ${JSON.stringify(count)}`);
}
