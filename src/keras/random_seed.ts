// keras.utils.setRandomSeed(seed): makes a run repeatable. Keras seeds Python's `random`, NumPy and
// the backend; in JavaScript every unseeded random draw (tfjs' random ops and initializers without a
// seed, which take their seeds from Math.random, tf.util.shuffle in fit, Dropout's masks, tsdl's
// initializers, image augmentation generators) comes from Math.random, so setRandomSeed replaces
// Math.random by a generator of that seed (sfc32, 53-bit doubles). The same seed then gives the same
// initial weights, batch order, dropout masks and augmentations, and two seeded runs the same History
// on the default (WebAssembly) backend and on tfjs' CPU backend.
//
// Porting notes: Math.random is global, so (as with Python's random.seed) every later use of it in the
// process is seeded too (crypto.randomUUID, which the kernel's messages use, is not). The numbers
// differ from Keras' for the same seed (other generators). On WebGL/WebGPU the random draws are the
// same, but GPU kernels are not promised to sum in the same order every run, so a History can differ
// in its last digits there.
const unseeded = Math.random;
let generator: (() => number) | undefined;
let installed = false;

/** splitmix32: spreads a 32-bit seed over the generator's state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): 32-bit outputs; `state` is [a, b, c, d], live. */
function sfc32(seed: number, from?: readonly number[]): { next: () => number; state: Int32Array } {
  const init = splitmix32(seed);
  const s = Int32Array.from(from ?? [init(), init(), init(), init()]);
  const next = () => {
    const t = (((s[0] + s[1]) | 0) + s[3]) | 0;
    s[3] = (s[3] + 1) | 0;
    s[0] = s[1] ^ (s[1] >>> 9);
    s[1] = (s[2] + (s[2] << 3)) | 0;
    s[2] = (s[2] << 21) | (s[2] >>> 11);
    s[2] = (s[2] + t) | 0;
    return t >>> 0;
  };
  if (!from) for (let i = 0; i < 12; i++) next();
  return { next, state: s };
}

/** The seeded generator's state, for randomState(). */
let state: Int32Array | undefined;

/** A Math.random replacement: doubles in [0, 1) with 53 random bits. */
function seeded(seed: number, from?: readonly number[]): () => number {
  const g = sfc32(seed, from);
  state = g.state;
  const next = g.next;
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/**
 * The seeded generator's position (undefined when setRandomSeed was not called), so that a run
 * resumed in another process (callbacks.BackupAndRestore) draws what the uninterrupted run would.
 */
export function randomState(): number[] | undefined {
  return generator && state ? Array.from(state) : undefined;
}

/** Puts the seeded generator at a position randomState() gave (installing it as setRandomSeed does). */
export function setRandomState(s: readonly number[]): void {
  if (!Array.isArray(s) || s.length !== 4 || !s.every((v) => Number.isInteger(v))) throw new Error(`setRandomState: expected the 4 integers randomState() gives, got ${JSON.stringify(s)}`);
  setRandomSeed(0);
  generator = seeded(0, s);
}

/**
 * Keras' `keras.utils.set_random_seed(seed)`: seeds every random draw that follows (weights,
 * shuffling, dropout, augmentation). `seed`: an integer in [0, 2^32).
 */
export function setRandomSeed(seed: number): void {
  if (!(typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new Error(`setRandomSeed: seed must be an integer in [0, 2^32), got ${typeof seed === "number" ? seed : JSON.stringify(seed) ?? String(seed)}`);
  }
  generator = seeded(seed);
  if (!installed) {
    Math.random = function random(): number {
      return generator ? generator() : unseeded();
    };
    installed = true;
  }
}
