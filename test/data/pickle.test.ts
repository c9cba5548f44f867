// The pickle reader behind NumPy object arrays: plain values at every protocol, and nothing called.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { unpickle } from "../../src/data/pickle.ts";

const python = join(import.meta.dirname, "..", "..", ".venv", "bin", "python");

test("unpickle reads Python's own pickles of ints, strings, bytes, lists, tuples and dicts at protocols 0-5", () => {
  assert.ok(existsSync(python), `${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
  const value = "[1, -2, 255, 65536, -2**31, 2**40, 'héllo', b'\\x00\\xff', [[], [3, 4]], (5,), (6, 7), (8, 9, 10), (), {'a': 1, 2: 'b'}, None, True, False, 1.5]";
  for (const protocol of [0, 1, 2, 3, 4, 5]) {
    const r = spawnSync(python, ["-c", `import pickle, sys; sys.stdout.buffer.write(pickle.dumps(${value}, protocol=${protocol}))`]);
    assert.equal(r.status, 0, String(r.stderr));
    const v = unpickle(new Uint8Array(r.stdout), `protocol ${protocol}`) as unknown[];
    assert.deepEqual(v.slice(0, 7), [1, -2, 255, 65536, -(2 ** 31), 2 ** 40, "héllo"], `protocol ${protocol}`);
    assert.deepEqual(Array.from(v[7] as Uint8Array), [0, 255], `protocol ${protocol}: bytes`);
    assert.deepEqual(v.slice(8, 13), [[[], [3, 4]], [5], [6, 7], [8, 9, 10], []], `protocol ${protocol}`);
    assert.deepEqual([...(v[13] as Map<unknown, unknown>)], [["a", 1], [2, "b"]]);
    assert.deepEqual(v.slice(14), [null, true, false, 1.5], `protocol ${protocol}`);
  }
});

test("unpickle never calls what a pickle names: os.system is refused by name", () => {
  const evil = new TextEncoder().encode("cos\nsystem\n(S'echo pwned'\ntR.");
  assert.throws(() => unpickle(evil, "evil.npy"), /evil.npy: it calls os.system, which tsdl does not rebuild/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x04, 0x95]), "cut.npy"), /cut.npy: the pickle is truncated/);
});
