// Gradients tfjs lacks and keras.ops needs, registered once when keras.ops loads: the comparisons and
// logical ops get zero gradients (as TensorFlow treats them: not differentiable, no error), so that
// `ops.where(ops.greater(x, 0), x, 0)` can be differentiated with respect to x; TopK gets its true
// gradient (each value's gradient goes back to the element it came from).
import tf from "../../tfjs.cjs";

const zeros = (t: tf.Tensor) => () => tf.zeros(t.shape, "float32");

function registerMissing(kernelName: string, config: Omit<tf.GradConfig, "kernelName">): void {
  if (!tf.getGradient(kernelName)) tf.registerGradient({ kernelName, ...config });
}

for (const k of ["Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual", "LogicalAnd", "LogicalOr", "LogicalXor"]) {
  registerMissing(k, { inputsToSave: ["a", "b"], gradFunc: (_dy, [a, b]) => ({ a: zeros(a), b: zeros(b) }) });
}
registerMissing("LogicalNot", { inputsToSave: ["x"], gradFunc: (_dy, [x]) => ({ x: zeros(x) }) });

registerMissing("TopK", {
  inputsToSave: ["x"],
  outputsToSave: [false, true],
  gradFunc: (dy, [x, indices]) => {
    const dValues = Array.isArray(dy) ? dy[0] : dy;
    return {
      x: () => {
        const n = x.shape[x.rank - 1];
        const k = indices.shape[indices.rank - 1];
        const hot = tf.oneHot(tf.reshape(indices, [-1, k]), n); // [rows, k, n]
        const dx = tf.sum(tf.mul(hot, tf.reshape(tf.cast(dValues, "float32"), [-1, k, 1])), 1);
        return tf.reshape(dx, x.shape);
      },
    };
  },
});
