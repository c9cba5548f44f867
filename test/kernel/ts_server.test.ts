// The kernel's TypeScript process (ts_server.cts through ts_client.ts): conversion, type errors,
// completeness, completion and inspection over IPC; a fresh process after a crash; and the start-up
// snapshot (built dist only): built in the background, then used, with the same conversions as without.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
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

/** Converts `cells` in order, each with the declarations of the ones before it that type-checked. */
async function convertAll(server: { request<T>(r: unknown): Promise<T> }, cells = CELLS): Promise<Converted[]> {
  const out: Converted[] = [];
  let prevDecl = "";
  for (const src of cells) {
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
  checkConversions(await convertAll(server));
  const files = (await server.firstConversion).declarationFiles;
  assert.ok(files.some((f) => f.endsWith("lib.es5.d.ts")), "TypeScript's lib");
  assert.ok(files.some((f) => f.includes("@tensorflow/tfjs-core/")), "tfjs' declarations, through tsdl's");
  assert.deepEqual(await server.request({ op: "isComplete", src: "function f() {" }), { status: "incomplete", indent: "  " });
  assert.deepEqual(await server.request({ op: "isComplete", src: "1 +* 2" }), { status: "invalid" });
  assert.deepEqual(await server.request({ op: "isComplete", src: "const s = `abc" }), { status: "incomplete", indent: "" });
  const done = await server.request<{ matches: string[] }>({ op: "complete", prevDecl: "", src: "Math.ab", position: 7 });
  assert.ok(done.matches.includes("abs"));
  const doc = await server.request<string>({ op: "inspect", prevDecl: "", src: "Math.max", position: 6 });
  assert.match(doc, /max\(\.\.\.values: number\[\]\): number/);
});

/** Converts `cells` in order in a fresh TypeScript process, with tslab's own convert when `tslabs` is set. */
async function convertWith(cells: string[], tslabs: boolean): Promise<{ onePass: boolean; results: Converted[] }> {
  const saved = process.env.TSDL_TSLAB_ONE_PASS;
  if (tslabs) process.env.TSDL_TSLAB_ONE_PASS = "0";
  else delete process.env.TSDL_TSLAB_ONE_PASS;
  try {
    const server = new TypeScriptServer({ cwd, log: (s) => logs.push(s), snapshot: false });
    servers.push(server);
    const { onePass } = await server.ready;
    const results = await convertAll(server, cells);
    server.close();
    return { onePass, results };
  } finally {
    if (saved === undefined) delete process.env.TSDL_TSLAB_ONE_PASS;
    else process.env.TSDL_TSLAB_ONE_PASS = saved;
  }
}

test("one TypeScript program a cell: the same outputs, declarations and diagnostics as tslab's own convert (two a cell)", async () => {
  const cells = [
    ...CELLS,
    "function f(a: number) { return a * 2 }\nclass C { x = 1 }\ninterface I { a: number }\ntype T = I | null;\nenum E { A, B }\nlet [p, q] = [1, 2];\nvar { r } = { r: 3 };\nf(n)",
    "const tsLastExpr = 1;\np + q + r + tsLastExpr",
    "await Promise.resolve(5)",
    "namespace NS { export const k = 1 }\nNS.k",
    "1 +",
    'import * as fs from "fs";\nfs.existsSync("x")',
    "new C().x + E.B",
  ];
  const ours = await convertWith(cells, false);
  const tslabs = await convertWith(cells, true);
  assert.equal(ours.onePass, true, "tslab's convert is as expected (else the one-program version is not used)");
  assert.equal(tslabs.onePass, false);
  assert.deepEqual(ours.results, tslabs.results);
  checkConversions(ours.results);
  assert.match(ours.results[3].declOutput!, /declare function f\(a: number\): number;[\s\S]*declare enum E/);
  assert.equal(ours.results[4].lastExpressionVar, "tsLastExpr0", "the last expression's variable avoids the cell's names");
  assert.equal(ours.results[7].diagnostics[0].code, 1109, "1 + : expression expected");
});

test("cells declaring a name with two leading underscores, or a `declare global` block, convert (tslab's convert failed them)", async () => {
  const cells = ["const __dunder = 2;\n__dunder", "__dunder + 1", "declare global { var answer: number }\nglobalThis.answer = 41;\nconst w = 1;\nw", "answer + w", 'declare global { var other: string }\nglobalThis.other = "x";\nother', "const q = 2;\nanswer * q + other.length"];
  const [ours, tslabs] = [await convertWith(cells, false), await convertWith(cells, true)];
  for (const r of ours.results) assert.deepEqual(r.diagnostics, []);
  assert.match(ours.results[0].declOutput!, /declare const __dunder = 2;/);
  assert.match(ours.results[1].output!, /exports\.tsLastExpr = exports\.__dunder \+ 1;/);
  assert.match(ours.results[2].declOutput!, /declare global \{\s*var answer: number;/);
  assert.match(ours.results[3].output!, /exports\.tsLastExpr = answer \+ exports\.w;/, "a declared global is read as the global, an earlier cell's name from exports");
  assert.match(ours.results[5].output!, /exports\.tsLastExpr = answer \* q \+ other\.length;/, "two cells' globals, cells later");
  assert.match(ours.results[5].declOutput!, /declare global \{\s*var other: string;\s*\}[\s\S]*declare global \{\s*var answer: number;/);
  assert.match(tslabs.results[0].diagnostics[0].messageText, /Cannot find name '___dunder'/);
  assert.match(tslabs.results[2].diagnostics[0].messageText, /Cannot find name '__global'/);
});

test("an earlier cell's variable in a shorthand property ({ a }, ({ b } = o)) is read from and written to the cell's exports (tslab's convert left it unbound)", async () => {
  const cells = [
    "const a = 1;\nlet b = 2;",
    "const o = { a, b, c: 3 };\no.a + o.b + o.c",
    "({ b } = { b: 5 });\nb",
    "const f = ({ a }: { a: number }) => a;\nconst local = 4;\nconst p = { local, a };\nf({ a: 7 }) + p.local + p.a",
  ];
  const ours = await convertWith(cells, false);
  for (const r of ours.results) assert.deepEqual(r.diagnostics, []);
  assert.match(ours.results[1].output!, /\{ a: exports\.a, b: exports\.b, c: 3 \}/);
  assert.match(ours.results[2].output!, /\(\{ b: exports\.b \} = \{ b: 5 \}\)/);
  assert.match(ours.results[3].output!, /\(\{ a \}\) => a/, "a parameter's own binding stays as it is");
  assert.match(ours.results[3].output!, /\{ local, a: exports\.a \}/, "this cell's own name stays, an earlier cell's is read from exports");
  // Run as the kernel runs them, one exports object for all cells.
  const exports: Record<string, unknown> = {};
  const values = ours.results.map((r) => {
    new Function("exports", "require", r.output!)(exports, () => ({}));
    return r.lastExpressionVar ? exports[r.lastExpressionVar] : undefined;
  });
  assert.deepEqual(values, [undefined, 6, 5, 12]);
  assert.equal(exports.b, 5, "the destructuring assignment wrote the earlier cell's variable");
  const tslabs = await convertWith(cells.slice(0, 2), true);
  assert.match(tslabs.results[1].output!, /\{ a, b, c: 3 \}/, "tslab's own convert leaves the shorthand unbound");
});

test("a cell with a top-level `for await` runs as an async function, as one with a top-level await does (TypeScript reports only the latter)", async () => {
  const cells = [
    "async function* batches() { yield 1; yield 2; }\nlet total = 0;\nfor await (const b of batches()) total += b;\ntotal",
    "const f = async () => { for await (const b of batches()) total += b; };\n1",
    "if (total > 0) { for await (const b of [Promise.resolve(10)]) total += b; }\ntotal",
  ];
  const ours = await convertWith(cells, false);
  for (const r of ours.results) assert.deepEqual(r.diagnostics, []);
  const flags = ours.results.map((r) => (r as Converted & { hasToplevelAwait?: boolean }).hasToplevelAwait ?? false);
  assert.deepEqual(flags, [true, false, true], "only a for await outside any function makes the cell async");
  // Run as the kernel runs them (typescript_engine.ts wraps an async cell in an async function).
  const exports: Record<string, unknown> = {};
  const values: unknown[] = [];
  for (const [i, r] of ours.results.entries()) {
    const body = flags[i] ? `return (async () => {\n${r.output}\n})()` : r.output!;
    await new Function("exports", "require", body)(exports, () => ({}));
    values.push(r.lastExpressionVar ? exports[r.lastExpressionVar] : undefined);
  }
  assert.deepEqual(values, [3, 1, 13]);
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

test("the start-up snapshot: made for its folder (as tsdl install makes it), a process there starts from it warm with the same conversions; another folder starts without it and still finds tsdl", async (t) => {
  const built = join(root, "dist", "kernel", "ts_client.js");
  if (!existsSync(join(root, "dist", "kernel", "ts_snapshot.cjs"))) return t.skip("dist is not built (npm run build)");
  const cache = mkdtempSync(join(tmpdir(), "tsdl-ts-cache-"));
  const other = mkdtempSync(join(tmpdir(), "tsdl-ts-other-"));
  const saved = process.env.TSDL_KERNEL_CACHE;
  process.env.TSDL_KERNEL_CACHE = cache;
  try {
    const { TypeScriptServer: Built, prepareStartupSnapshot } = (await import(built)) as typeof import("../../src/kernel/ts_client.ts");
    const first = new Built({ cwd, log: (s) => logs.push(s), snapshot: false });
    servers.push(first);
    const plain = await convertAll(first);
    first.close();
    const made = await prepareStartupSnapshot(cwd);
    assert.ok(made && existsSync(made), `no snapshot in ${cache}: ${readdirSync(cache)}`);
    assert.ok(!readdirSync(cache).some((f) => /\.(tmp|lock|entry|input)/.test(f)), `no leftovers: ${readdirSync(cache)}`);
    assert.equal(await prepareStartupSnapshot(cwd), made, "made once: a second call finds it");
    const second = new Built({ cwd, log: (s) => logs.push(s) });
    servers.push(second);
    const info = await second.ready;
    assert.ok(info.snapshot && info.warm, "started from the snapshot, its converter warm");
    assert.ok(info.onePass, "the warm converter builds one program a cell");
    const fromSnapshot = await convertAll(second);
    checkConversions(fromSnapshot);
    assert.deepEqual(fromSnapshot, plain, "the same outputs, declarations and diagnostics");
    second.close();
    // Regression: after a rebuild (or an upgrade) of tsdl, the snapshot's parsed declarations were the old
    // ones (keras.saving "does not exist" until a reinstall): new declarations, no snapshot until rebuilt.
    const declarations = join(root, "dist", "index.d.ts");
    const { atime, mtime } = statSync(declarations);
    utimesSync(declarations, atime, new Date(mtime.getTime() + 2000));
    try {
      const rebuilt = new Built({ cwd, log: (s) => logs.push(s) });
      servers.push(rebuilt);
      assert.equal((await rebuilt.ready).snapshot, undefined, "the old declarations' snapshot is not used");
      rebuilt.close();
    } finally {
      utimesSync(declarations, atime, mtime);
    }
    // Regression: a snapshot from another folder once made "tsdl" unresolvable here.
    const elsewhere = new Built({ cwd: other, log: (s) => logs.push(s) });
    servers.push(elsewhere);
    assert.equal((await elsewhere.ready).snapshot, undefined, "another folder's snapshot is not used");
    checkConversions(await convertAll(elsewhere));
    const r = await elsewhere.request<Converted>({ op: "convert", prevDecl: "", src: 'import { display } from "tsdl";\ndisplay.plot' });
    assert.deepEqual(r.diagnostics, []);
  } finally {
    if (saved === undefined) delete process.env.TSDL_KERNEL_CACHE;
    else process.env.TSDL_KERNEL_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});
