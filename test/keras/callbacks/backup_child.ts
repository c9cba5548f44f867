// A seeded fit with BackupAndRestore, run as a child process by backup_and_restore.test.ts:
//   node --import tsx backup_child.ts BACKUP_DIR full|crash|resume OUT_JSON
// "crash" blocks in the second batch of epoch index 3 (after 3 epochs were backed up) and prints
// "ready", for the parent to kill it with SIGKILL; the others write the History, the epochs this
// process ran and the final weights to OUT_JSON.
import { writeFileSync } from "node:fs";
import { callbacks, keras, layers, optimizers, ready, tf, utils } from "../../../src/index.ts";

const [dir, mode, out] = process.argv.slice(2);
await ready();
utils.setRandomSeed(1234);
const x = tf.randomNormal([64, 6], 0, 1, "float32", 1);
const y = tf.tidy(() => tf.argMax(tf.matMul(x, tf.randomNormal([6, 3], 0, 1, "float32", 2)), -1));
const model = keras.Sequential([layers.Input([6]), layers.Dense(16, { activation: "relu" }), layers.Dropout(0.3), layers.Dense(3, { activation: "softmax" })]);
model.compile({ optimizer: optimizers.Adam({ learningRate: 0.01 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const ran: number[] = [];
let epoch = -1;
const probe = new callbacks.LambdaCallback({
  onEpochBegin: (e) => {
    epoch = e;
    ran.push(e);
  },
  onBatchEnd: async (batch) => {
    if (mode === "crash" && epoch === 3 && batch === 1) {
      process.stdout.write("ready\n");
      await new Promise(() => {}); // killed here, mid-epoch
    }
  },
});
const history = await model.fit(x, y, { epochs: 6, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [new callbacks.BackupAndRestore(dir), probe] });
const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
writeFileSync(out, JSON.stringify({ history: history.history, epochs: history.epoch, ran, weights }));
