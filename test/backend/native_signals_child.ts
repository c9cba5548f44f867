// For native_signals.test.ts: products of seed 003's first layer (forward and both gradients) for
// argv[2] milliseconds, counting the SIGINTs that reach the handler; prints "ready" once the handler is
// in place, then {products, interrupts}, and stays half a second more.
import { ready, tf } from "../../src/index.ts";

await ready();
let interrupts = 0;
process.on("SIGINT", () => void interrupts++);
console.log("ready");
const x = tf.randomNormal([32, 784]), w = tf.randomNormal([784, 300]), dy = tf.randomNormal([32, 300]);
const end = performance.now() + Number(process.argv[2]);
let products = 0;
while (performance.now() < end) {
  tf.tidy(() => [tf.matMul(x, w), tf.matMul(x, dy, true, false), tf.matMul(dy, w, false, true)]).forEach((t) => t.dispose());
  products += 3;
  if (products % 300 === 0) await new Promise((r) => setImmediate(r)); // lets the SIGINT handler run
}
console.log(JSON.stringify({ products, interrupts }));
// The sender stops at that line; a signal already on its way still finds the handler (at the process'
// exit Node restores SIGINT's default, which ends the process).
await new Promise((r) => setTimeout(r, 500));
