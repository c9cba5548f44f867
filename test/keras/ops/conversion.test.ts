// keras.ops' conversion and inspection ops (src/keras/ops/conversion.ts): cast and convert_to_tensor
// against Keras, and shape, ndim, size, dtype, convertToNumpy and stopGradient by hand.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { ops, ready, tf, keras } from "../../../src/index.ts";
import { opsParity, F, R, T, type OpCase } from "./ops_cases.ts";

const cases: Record<string, OpCase> = {
  cast_float_to_int: { op: "cast", args: [T([-1.7, -0.5, 0.5, 2.9]), "int32"] },
  cast_int_to_float: { op: "cast", args: [T([1, -2], "int32"), "float32"] },
  cast_to_bool: { op: "cast", args: [T([0, 0.5, -2]), "bool"] },
  cast_bool_to_float: { op: "cast", args: [T([true, false], "bool"), "float32"] },
  cast_float64: { op: "cast", args: [T([1.5, 2]), "float64"] },
  cast_int64: { op: "cast", args: [T([1.5, 2]), "int64"] },
  cast_grad: { op: "cast", args: [R([2, 3]), "float32"], grad: [0] },
  convert_ints: { op: "convert_to_tensor", args: [[[1, 2], [3, 4]]] },
  convert_floats: { op: "convert_to_tensor", args: [[F(1.5), F(-2.25)]] },
  convert_bools: { op: "convert_to_tensor", args: [[true, false]] },
  convert_scalar_int: { op: "convert_to_tensor", args: [7] },
  convert_scalar_float: { op: "convert_to_tensor", args: [F(0.5)] },
  convert_dtype: { op: "convert_to_tensor", args: [[1, 2]], kwargs: { dtype: "float32" } },
  stop_gradient: { op: "stop_gradient", args: [R([3])], grad: [0] },
};

opsParity("conversion", cases);

before(async () => {
  await ready();
});

test("shape, ndim, size and dtype of tensors, arrays and symbolic tensors", () => {
  const x = tf.zeros([2, 3, 4]);
  assert.deepEqual(ops.shape(x), [2, 3, 4]);
  assert.equal(ops.ndim(x), 3);
  assert.equal(ops.size(x), 24);
  assert.equal(ops.dtype(x), "float32");
  assert.deepEqual(ops.shape([[1, 2, 3]]), [1, 3]);
  assert.equal(ops.dtype([1, 2]), "int32");
  assert.equal(ops.dtype([1.5, 2]), "float32");
  assert.equal(ops.dtype([true]), "bool");
  const s = keras.Input([5]);
  assert.deepEqual(ops.shape(s), [null, 5]);
  assert.equal(ops.ndim(s), 2);
  assert.equal(ops.size(s), null);
  x.dispose();
});

test("convertToNumpy resolves to nested arrays; convertToTensor returns a tensor of the right dtype as it is", async () => {
  const before = tf.memory().numTensors;
  assert.deepEqual(await ops.convertToNumpy([[1, 2], [3, 4]]), [[1, 2], [3, 4]]);
  assert.equal(await ops.convertToNumpy(3), 3);
  const x = tf.tensor([1.5, 2]);
  assert.deepEqual(await ops.convertToNumpy(ops.multiply(x, 2)), [3, 4]);
  assert.equal(ops.convertToTensor(x), x);
  const y = ops.convertToTensor(x, "int32");
  assert.equal(y.dtype, "int32");
  tf.dispose([x, y]);
  tf.disposeVariables();
  assert.ok(tf.memory().numTensors <= before + 1, "no tensors left but the product read above"); // multiply's result is the caller's
});

test("a Keras variable is an op input", async () => {
  const layer = keras.layers.Dense(2, { kernelInitializer: "ones", biasInitializer: "zeros" });
  layer(tf.ones([1, 3])).dispose();
  const [kernel] = layer.variables;
  const s = ops.sum(kernel);
  assert.equal((await s.data())[0], 6);
  s.dispose();
});

test("stopGradient blocks the gradient but keeps the values", async () => {
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.add(ops.stopGradient(tf.square(x)), x)))(tf.tensor([1, 2, 3]));
  assert.deepEqual(Array.from(await g.data()), [1, 1, 1]);
  g.dispose();
});

test("bad arguments name the op and the argument", async () => {
  assert.throws(() => ops.cast([1, 2], "float128" as never), /^ValueError: ops\.cast: dtype must be one of .*got "float128"/);
  assert.throws(() => ops.convertToTensor([[1, 2], [3]]), /^ValueError: ops\.convertToTensor: x could not become a tensor/);
  assert.throws(() => ops.convertToTensor("abc" as never), /ops\.convertToTensor: x must be a tensor, a number or nested arrays of numbers, got "abc"/);
  await assert.rejects(() => ops.convertToNumpy(keras.Input([2])), /ops\.convertToNumpy: x is a symbolic tensor/);
});
