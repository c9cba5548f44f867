// The kernel's TypeScript process (ts_server.cts through ts_client.ts): conversion, type errors,
// completeness, completion and inspection over IPC; a fresh process after a crash; and the start-up
// snapshot (built dist only): built in the background, then used, with the same conversions as without.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TypeScriptServer } from "../../src/kernel/ts_client.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), "tsdl-ts-server-"));
const logs: string[] = [];
const servers: { close(): void }[] = [];
after(() => {
  for (const s of servers) s.close();
  rmSync(cwd, { recursive: true, force: true });
});

type Converted = { output?: string; declOutput?: string; diagnostics: { messageText: string; code: number }[]; lastExpressionVar?: string };
const CELLS = ['import { tf, keras } from "tsdl";\nconst z = tf.zeros([2, 3]);\nz.shape', "const n: number = z.shape[0];\nn + 1", "const s: string = z;"];

async function convertAll(server: { request<T>(r: unknown): Promise<T> }): Promise<Converted[]> {
  const out: Converted[] = [];
  let prevDecl = "";
  for (const src of CELLS) {
    const r = await server.request<Converted>({ op: "convert", prevDecl, src });
    out.push(r);
    if (r.diagnostics.length === 0) prevDecl = r.declOutput ?? prevDecl;
  }
  return out;
}

function checkConversions(r: Converted[]): void {
  assert.deepEqual(r[0].diagnostics, []);
  assert.match(r[0].output!, /require\("tsdl"\)/);
  assert.match(r[0].declOutput!, /z: tf\.Tensor/);
  assert.deepEqual(r[1].diagnostics, [], "the second cell sees the first one's declarations");
  assert.equal(r[2].diagnostics[0].code, 2322);
  assert.match(r[2].diagnostics[0].messageText, /Type 'Tensor<Rank>' is not assignable to type 'string'/);
}

test("conversion, type errors, completeness, completion and inspection go to the TypeScript process", async () => {
  const server = new TypeScriptServer({ cwd, log: (s) => logs.push(s), snapshot: false });
  servers.push(server);
  const info = await server.ready;
  assert.match(info.typescript, /^5\./);
  assert.ok(info.declarationFiles.some((f) => f.endsWith("lib.es5.d.ts")) && info.declarationFiles.some((f) => f.endsWith(join("dist", "index.d.ts")) || f.endsWith("index.d.ts")));
  checkConversions(await convertAll(server));
  assert.deepEqual(await server.request({ op: "isComplete", src: "function f() {" }), { status: "incomplete", indent: "  " });
  assert.deepEqual(await server.request({ op: "isComplete", src: "1 +* 2" }), { status: "invalid" });
  assert.deepEqual(await server.request({ op: "isComplete", src: "const s = `abc" }), { status: "incomplete", indent: "" });
  const done = await server.request<{ matches: string[] }>({ op: "complete", prevDecl: "", src: "Math.ab", position: 7 });
  assert.ok(done.matches.includes("abs"));
  const doc = await server.request<string>({ op: "inspect", prevDecl: "", src: "Math.max", position: 6 });
  assert.match(doc, /max\(\.\.\.values: number\[\]\): number/);
});

test("a TypeScript process that dies is replaced, and the next request is answered", async () => {
  const server = new TypeScriptServer({ cwd, log: (s) => logs.push(s), snapshot: false });
  servers.push(server);
  await server.ready;
  (server as unknown as { child: { kill(s: string): void } }).child.kill("SIGKILL");
  const r = await server.request<Converted>({ op: "convert", prevDecl: "", src: "const x = 1 + 1;\nx" });
  assert.deepEqual(r.diagnostics, []);
  assert.ok(logs.some((l) => /the TypeScript process exited \(SIGKILL\); starting it again/.test(l)), logs.join("\n"));
});

test("the start-up snapshot: built in the background on first use, then the declarations come from it, and conversions are the same", async (t) => {
  const built = join(root, "dist", "kernel", "ts_client.js");
  if (!existsSync(join(root, "dist", "kernel", "ts_snapshot.cjs"))) return t.skip("dist is not built (npm run build)");
  const cache = mkdtempSync(join(tmpdir(), "tsdl-ts-cache-"));
  const saved = process.env.TSDL_KERNEL_CACHE;
  process.env.TSDL_KERNEL_CACHE = cache;
  try {
    const { TypeScriptServer: Built } = (await import(built)) as typeof import("../../src/kernel/ts_client.ts");
    const first = new Built({ cwd, log: (s) => logs.push(s) });
    servers.push(first);
    assert.equal((await first.ready).snapshot, undefined);
    const plain = await convertAll(first);
    first.close();
    const deadline = Date.now() + 240_000;
    while (!readdirSync(cache).some((f) => f.endsWith(".blob")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.ok(readdirSync(cache).some((f) => f.endsWith(".blob")), `no snapshot in ${cache}: ${readdirSync(cache)}`);
    assert.ok(readdirSync(cache).some((f) => f.endsWith(".blob.json")), "its list of files beside it");
    assert.ok(!readdirSync(cache).some((f) => /\.(tmp|lock|entry)/.test(f)), `no leftovers: ${readdirSync(cache)}`);
    const second = new Built({ cwd, log: (s) => logs.push(s) });
    servers.push(second);
    const info = await second.ready;
    assert.ok(info.snapshot, "started from the snapshot");
    assert.ok(info.cached > 500 && info.parsed < info.cached / 10, `cached ${info.cached}, parsed ${info.parsed}`);
    const fromSnapshot = await convertAll(second);
    checkConversions(fromSnapshot);
    assert.deepEqual(fromSnapshot, plain, "the same outputs, declarations and diagnostics");
  } finally {
    if (saved === undefined) delete process.env.TSDL_KERNEL_CACHE;
    else process.env.TSDL_KERNEL_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  }
});
