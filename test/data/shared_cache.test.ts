// Many processes on one server: a shared read-only TSDL_DATA_DIR is read before the per-user cache (which
// stays untouched), and several processes filling one cache at the same time (downloads over a slow local
// server, or generated stand-ins) all load whole files and leave nothing half-written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { standIn } from "../../src/index.ts";

const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
let files: Record<string, Buffer>;
let server: Server;
let url: string;
let hits = 0;

before(async () => {
  const src = mkdtempSync(join(tmpdir(), "tsdl-shared-src-"));
  standIn.writeIdxDataset(src, { train: 3000, test: 500 });
  files = Object.fromEntries(readdirSync(src).map((f) => [f, readFileSync(join(src, f))]));
  // Slow on purpose: each file in 10 pieces 40 ms apart, so that the processes' downloads overlap.
  server = createServer((req, res) => {
    const body = files[decodeURIComponent(new URL(req.url!, "http://x").pathname).slice(1)];
    if (!body) return void res.writeHead(404).end();
    hits++;
    res.writeHead(200, { "content-length": body.length });
    let k = 0;
    const step = Math.ceil(body.length / 10);
    const next = () => {
      if (k >= body.length) return void res.end();
      res.write(body.subarray(k, (k += step)));
      setTimeout(next, 40);
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

/** Runs `n` processes at once, each loading Fashion-MNIST with `options`; resolves to what each printed. */
function loadAtOnce(n: number, env: Record<string, string>, options: object): Promise<{ source: string; standIn: boolean; n: number; labelSum: number; pixelSum: number }[]> {
  const code = `
import { datasets, ready } from ${JSON.stringify(index)};
await ready();
const d = await datasets.fashionMnist.loadData(${JSON.stringify(options)});
const [[x, y]] = d;
console.log(JSON.stringify({ source: d.source, standIn: d.standIn, n: x.shape[0], labelSum: (await y.sum().data())[0], pixelSum: (await x.sum().data())[0] }));
`;
  const { NODE_TEST_CONTEXT: _, TSDL_DATA_DIR: _d, ...rest } = process.env;
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env: { ...rest, TSDL_BACKEND: "cpu", ...env } });
      let out = "";
      let err = "";
      child.stdout.on("data", (b) => (out += b));
      child.stderr.on("data", (b) => (err += b));
      return new Promise<{ source: string; standIn: boolean; n: number; labelSum: number; pixelSum: number }>((resolve, reject) =>
        child.on("exit", (status) => (status === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`exit ${status}: ${err}`)))),
      );
    }),
  );
}

const leftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.(part|tmp)-/.test(f)) : []);

test("four processes download into one empty cache at once: all load the whole dataset, the cache holds the four files and nothing else", { timeout: 240_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), "tsdl-shared-home-"));
  hits = 0;
  const got = await loadAtOnce(4, { TSDL_HOME: home }, { baseUrl: url, useSystemCopies: false });
  for (const g of got) {
    assert.equal(g.n, 3000);
    assert.equal(g.standIn, false);
    assert.deepEqual([g.labelSum, g.pixelSum], [got[0].labelSum, got[0].pixelSum]);
  }
  const cache = join(home, "datasets", "fashion-mnist");
  assert.deepEqual(readdirSync(cache).sort(), Object.keys(files).sort());
  for (const f of Object.keys(files)) assert.ok(readFileSync(join(cache, f)).equals(files[f]), f);
  assert.deepEqual(leftovers(cache), []);
  assert.ok(hits > 4, `the downloads overlapped (${hits} requests for 4 files)`);
});

test("four processes generate the stand-in at once (no network): all read whole files", { timeout: 240_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), "tsdl-shared-home-"));
  const got = await loadAtOnce(4, { TSDL_HOME: home }, { baseUrl: "http://127.0.0.1:9/unreachable", useSystemCopies: false, standInIfMissing: true });
  for (const g of got) {
    assert.equal(g.standIn, true);
    assert.deepEqual([g.n, g.labelSum, g.pixelSum], [got[0].n, got[0].labelSum, got[0].pixelSum]);
  }
  assert.deepEqual(leftovers(join(home, "datasets", "fashion-mnist-stand-in")), []);
});

test("a shared read-only TSDL_DATA_DIR is read first; the per-user cache is never written", { timeout: 240_000 }, async () => {
  const shared = mkdtempSync(join(tmpdir(), "tsdl-shared-data-"));
  mkdirSync(join(shared, "fashion-mnist"));
  standIn.writeIdxDataset(join(shared, "fashion-mnist"), { train: 700, test: 100 });
  for (const f of readdirSync(join(shared, "fashion-mnist"))) chmodSync(join(shared, "fashion-mnist", f), 0o444);
  chmodSync(join(shared, "fashion-mnist"), 0o555);
  const home = mkdtempSync(join(tmpdir(), "tsdl-shared-home-"));
  const got = await loadAtOnce(2, { TSDL_HOME: home, TSDL_DATA_DIR: shared }, { baseUrl: "http://127.0.0.1:9/unreachable", useSystemCopies: false });
  for (const g of got) {
    assert.equal(g.source, join(shared, "fashion-mnist"));
    assert.equal(g.n, 700);
  }
  assert.equal(existsSync(join(home, "datasets")), false);
});
