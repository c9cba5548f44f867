// What a training step that throws leaves on tfjs' gradient tape. tfjs-core 4.22 keeps each kernel's
// saved inputs and outputs (kept clones) on the engine's tape until the backward pass disposes them;
// a forward pass that throws (a full wasm heap, a bad shape deep in a model, an interrupt) never gets
// there, so they stay kept and the tape stays set: a failed step of keras.io's Xception-like
// classifier at a batch of 64 held 3 GiB, and the next fit at a batch that fits ran out of memory too.
import tf from "../tfjs.cjs";

interface EngineState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

/** Frees the tensors a failed gradient computation left on the tape, once no gradient is being taken. */
export function releaseFailedTape(): void {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
