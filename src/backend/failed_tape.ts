// What a training step that throws leaves on tfjs' gradient tape. tfjs-core 4.22 keeps each kernel's
// saved inputs and outputs (kept clones) on the engine's tape until the backward pass disposes them;
// a forward pass that throws (a full wasm heap, a bad shape deep in a model, an interrupt) never gets
// there, so they stay kept and the tape stays set: a failed step of keras.io's Xception-like
// classifier at a batch of 64 held 3 GiB, and the next fit at a batch that fits ran out of memory too.
// guardTape() mends it where it happens, in the engine's gradients(), which fit's steps, tf.grad(s) and
// optimizer.minimize all go through.
import type tf from "../tfjs.cjs"; // (types only: memory.ts, which calls this, loads before tfjs)

const GUARDED = Symbol.for("tsdl.tapeGuard");

interface Engine {
  state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
  gradients: (...a: unknown[]) => unknown;
  [GUARDED]?: true;
}

/** Makes the engine's gradients() release what it leaves on the tape when its function throws (once per engine). */
export function guardTape(engine: Engine): void {
  if (engine[GUARDED]) return;
  const gradients = engine.gradients;
  engine.gradients = function (this: unknown, ...a: unknown[]) {
    try {
      return gradients.apply(this, a);
    } catch (e) {
      releaseFailedTape(engine);
      throw e;
    }
  };
  engine[GUARDED] = true;
}

/** Frees the tensors a failed gradient computation left on the tape, once no gradient is being taken. */
export function releaseFailedTape(engine: Engine): void {
  const state = engine.state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
