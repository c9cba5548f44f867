// Tests that train from random weights and assert that the loss falls start every test from one
// seed (weights, batch order, dropout masks), so a run that passes passes every time. Unseeded, such
// a check fails now and then: RMSprop's (centered, momentum 0.5) went up in epoch 3 in about 1 run
// in 75, which turned CI red.
import { beforeEach } from "node:test";
import { keras } from "../../src/index.ts";

/** Seeds Math.random (keras.utils.setRandomSeed) before each test of the calling file. */
export function seedEachTest(seed = 1): void {
  beforeEach(() => keras.utils.setRandomSeed(seed));
}
