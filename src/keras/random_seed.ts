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

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): 32-bit outputs. */
function sfc32(seed: number): () => number {
  const init = splitmix32(seed);
  let [a, b, c, d] = [init(), init(), init(), init()];
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A Math.random replacement: doubles in [0, 1) with 53 random bits. */
function seeded(seed: number): () => number {
  const next = sfc32(seed);
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
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
