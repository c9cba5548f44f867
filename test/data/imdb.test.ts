// keras.datasets.imdb through the real download code: small files in the real format (object arrays
// of word-index lists, written by NumPy; also pickled at protocols 0, 2 and 4) served over HTTP, loaded
// with Keras' options and compared with what Keras 3's own load_data gives from the same file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets, ready, tf } from "../../src/index.ts";
import { serve, type TestServer } from "./http_server.ts";
import { runKeras } from "../keras/keras_oracle.ts";

const OPTIONS = [{}, { num_words: 50 }, { num_words: 30, skip_top: 3, oov_char: 2 }, { maxlen: 20, seed: 5 }, { start_char: null, index_from: 0, oov_char: null, num_words: 40 }];

let server: TestServer;
let dir: string;
let files: Record<string, Buffer>;
let keras3: { x_train: number[][]; y_train: number[]; x_test: number[][]; y_test: number[] }[];
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

before(async () => {
  await ready();
  process.env.TSDL_HOME = mkdtempSync(join(tmpdir(), "tsdl-home-"));
  delete process.env.TSDL_DATA_DIR;
  dir = mkdtempSync(join(tmpdir(), "tsdl-imdb-"));
  keras3 = runKeras([join(import.meta.dirname, "imdb_keras.py"), dir], OPTIONS);
  files = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
  server = await serve(files);
});

after(() => server?.close());

test("imdb.loadData downloads imdb.npz, checks it, and gives what Keras 3's load_data gives, option by option", async () => {
  const checksums = { "imdb.npz": { sha256: sha(files["imdb.npz"]) } };
  for (const [i, o] of OPTIONS.entries()) {
    const before = tf.memory().numTensors;
    const [[x, y], [xt, yt]] = await datasets.imdb.loadData({ baseUrl: server.url, checksums, ...camel(o) });
    const k = keras3[i];
    assert.deepEqual(x, k.x_train, `x_train, options ${JSON.stringify(o)}`);
    assert.deepEqual(xt, k.x_test, `x_test, options ${JSON.stringify(o)}`);
    assert.deepEqual(Array.from(await y.data()), k.y_train);
    assert.deepEqual(Array.from(await yt.data()), k.y_test);
    assert.equal(y.dtype, "int32");
    tf.dispose([y, yt]);
    assert.equal(tf.memory().numTensors, before);
  }
  assert.equal(server.hits["imdb.npz"], 1, "later loads read the cache");
});

test("imdb.npz with its reviews pickled at protocols 0, 2 and 4 loads the same", async () => {
  for (const p of [0, 2, 4]) {
    const [[x, y], [xt, yt]] = await datasets.imdb.loadData({ path: join(dir, `imdb_p${p}.npz`) });
    assert.deepEqual(x, keras3[0].x_train, `protocol ${p}`);
    assert.deepEqual(xt, keras3[0].x_test, `protocol ${p}`);
    tf.dispose([y, yt]);
  }
});

test("imdb.getWordIndex reads imdb_word_index.json; bad options and files are named", async () => {
  const index = await datasets.imdb.getWordIndex({ baseUrl: server.url });
  assert.equal(index.film, 17);
  await assert.rejects(datasets.imdb.loadData({ numWords: 0 }), /imdb.loadData: numWords must be an integer >= 1 or null, got 0/);
  await assert.rejects(datasets.imdb.loadData({ maxlen: 1, baseUrl: server.url, checksums: { "imdb.npz": { sha256: sha(files["imdb.npz"]) } } }), /no review of x_train is shorter than maxlen=1; increase maxlen/);
});
