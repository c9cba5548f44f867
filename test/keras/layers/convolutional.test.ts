// The convolution layers by Keras' formulas: parameter counts and output shapes, names and weights,
// bad arguments and inputs, channels-first data, the dilated transposed convolution as the adjoint
// of the dilated convolution, saving, and training on the default backend.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, ready, tf } from "../../../src/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

type Dim = number | null;
const prod = (a: number[]) => a.reduce((p, q) => p * q, 1);

/** Keras' convolution output length: valid floor((n - (k - 1) d - 1) / s) + 1, same and causal ceil(n / s). */
function convLen(n: Dim, k: number, s = 1, d = 1, padding = "valid"): Dim {
  if (n === null) return null;
  return padding === "valid" ? Math.floor((n - (k - 1) * d - 1) / s) + 1 : Math.ceil(n / s);
}

/** Keras' transposed output length (TensorFlow's rule), outputPadding undefined for Keras' None. */
function transposeLen(n: Dim, k: number, s = 1, padding = "valid", op?: number, d = 1): Dim {
  if (n === null) return null;
  const keff = (k - 1) * d + 1;
  if (padding === "valid") return (n - 1) * s + (op === undefined ? Math.max(keff, s) : keff + op);
  return op === undefined ? n * s : (n - 1) * s + (keff % 2) + op;
}

interface Row {
  name: string;
  make: () => tf.layers.Layer;
  input: Dim[];
  output: Dim[];
  params: number;
  weights: number[][];
}

const ROWS: Row[] = [
  // Conv1D: k * cin / groups * filters + filters
  { name: "Conv1D(4, 3)", make: () => layers.Conv1D(4, 3), input: [9, 3], output: [null, convLen(9, 3), 4], params: 3 * 3 * 4 + 4, weights: [[3, 3, 4], [4]] },
  { name: "Conv1D(6, 5, strides 2, same, groups 3)", make: () => layers.Conv1D(6, 5, { strides: 2, padding: "same", groups: 3 }), input: [11, 6], output: [null, convLen(11, 5, 2, 1, "same"), 6], params: 5 * 2 * 6 + 6, weights: [[5, 2, 6], [6]] },
  { name: "Conv1D(2, 3, causal, dilation 4, no bias)", make: () => layers.Conv1D(2, 3, { padding: "causal", dilationRate: 4, useBias: false }), input: [10, 3], output: [null, 10, 2], params: 3 * 3 * 2, weights: [[3, 3, 2]] },
  { name: "Conv1D(3, 2, dilation 3), unknown length", make: () => layers.Conv1D(3, [2], { dilationRate: [3] }), input: [null, 4], output: [null, null, 3], params: 2 * 4 * 3 + 3, weights: [[2, 4, 3], [3]] },
  { name: "Conv1D channels_first", make: () => layers.Conv1D(5, 3, { dataFormat: "channels_first" }), input: [2, 8], output: [null, 5, convLen(8, 3)], params: 3 * 2 * 5 + 5, weights: [[3, 2, 5], [5]] },
  // Conv2D: kh * kw * cin / groups * filters + filters
  { name: "Conv2D(8, 3)", make: () => layers.Conv2D(8, 3), input: [10, 9, 3], output: [null, convLen(10, 3), convLen(9, 3), 8], params: 9 * 3 * 8 + 8, weights: [[3, 3, 3, 8], [8]] },
  { name: "Conv2D(6, [3, 2], strides [2, 3], same)", make: () => layers.Conv2D(6, [3, 2], { strides: [2, 3], padding: "same" }), input: [9, 10, 2], output: [null, convLen(9, 3, 2, 1, "same"), convLen(10, 2, 3, 1, "same"), 6], params: 6 * 2 * 6 + 6, weights: [[3, 2, 2, 6], [6]] },
  { name: "Conv2D(8, 3, groups 4)", make: () => layers.Conv2D(8, 3, { groups: 4 }), input: [7, 7, 8], output: [null, 5, 5, 8], params: 9 * 2 * 8 + 8, weights: [[3, 3, 2, 8], [8]] },
  { name: "Conv2D(4, 3, dilation [2, 3])", make: () => layers.Conv2D(4, 3, { dilationRate: [2, 3] }), input: [12, 12, 2], output: [null, convLen(12, 3, 1, 2), convLen(12, 3, 1, 3), 4], params: 9 * 2 * 4 + 4, weights: [[3, 3, 2, 4], [4]] },
  { name: "Conv2D channels_first, no bias", make: () => layers.Conv2D(4, 3, { dataFormat: "channels_first", useBias: false }), input: [2, 6, 7], output: [null, 4, 4, 5], params: 9 * 2 * 4, weights: [[3, 3, 2, 4]] },
  { name: "Conv2D, unknown size", make: () => layers.Conv2D(2, 3, { padding: "same" }), input: [null, null, 3], output: [null, null, null, 2], params: 9 * 3 * 2 + 2, weights: [[3, 3, 3, 2], [2]] },
  // Conv1DTranspose: k * filters * cin + filters
  { name: "Conv1DTranspose(3, 3)", make: () => layers.Conv1DTranspose(3, 3), input: [6, 2], output: [null, transposeLen(6, 3), 3], params: 3 * 3 * 2 + 3, weights: [[3, 3, 2], [3]] },
  { name: "Conv1DTranspose(4, 3, strides 2, same)", make: () => layers.Conv1DTranspose(4, 3, { strides: 2, padding: "same" }), input: [5, 3], output: [null, 10, 4], params: 3 * 4 * 3 + 4, weights: [[3, 4, 3], [4]] },
  { name: "Conv1DTranspose outputPadding 1, valid", make: () => layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 1, useBias: false }), input: [4, 2], output: [null, 3 * 2 + 3 + 1, 2], params: 3 * 2 * 2, weights: [[3, 2, 2]] },
  { name: "Conv1DTranspose dilation 2", make: () => layers.Conv1DTranspose(2, 3, { dilationRate: 2 }), input: [5, 3], output: [null, 4 + 5, 2], params: 3 * 2 * 3 + 2, weights: [[3, 2, 3], [2]] },
  // Conv2DTranspose: kh * kw * filters * cin + filters
  { name: "Conv2DTranspose(3, 3)", make: () => layers.Conv2DTranspose(3, 3), input: [5, 4, 2], output: [null, transposeLen(5, 3), transposeLen(4, 3), 3], params: 9 * 3 * 2 + 3, weights: [[3, 3, 3, 2], [3]] },
  { name: "Conv2DTranspose(4, 3, strides 2, same)", make: () => layers.Conv2DTranspose(4, 3, { strides: 2, padding: "same" }), input: [5, 6, 3], output: [null, 10, 12, 4], params: 9 * 4 * 3 + 4, weights: [[3, 3, 4, 3], [4]] },
  { name: "Conv2DTranspose(2, 2, strides 3) (kernel below stride)", make: () => layers.Conv2DTranspose(2, 2, { strides: 3 }), input: [4, 4, 1], output: [null, 3 * 3 + 3, 3 * 3 + 3, 2], params: 4 * 2 + 2, weights: [[2, 2, 2, 1], [2]] },
  { name: "Conv2DTranspose outputPadding [1, 0], valid", make: () => layers.Conv2DTranspose(2, 3, { strides: 2, outputPadding: [1, 0] }), input: [4, 4, 2], output: [null, 3 * 2 + 3 + 1, 3 * 2 + 3, 2], params: 9 * 2 * 2 + 2, weights: [[3, 3, 2, 2], [2]] },
  { name: "Conv2DTranspose outputPadding 2, same", make: () => layers.Conv2DTranspose(2, 3, { strides: 3, padding: "same", outputPadding: 2 }), input: [3, 4, 2], output: [null, 2 * 3 + 1 + 2, 3 * 3 + 1 + 2, 2], params: 9 * 2 * 2 + 2, weights: [[3, 3, 2, 2], [2]] },
  { name: "Conv2DTranspose dilation 2", make: () => layers.Conv2DTranspose(2, 3, { dilationRate: 2 }), input: [4, 5, 3], output: [null, 3 + 5, 4 + 5, 2], params: 9 * 2 * 3 + 2, weights: [[3, 3, 2, 3], [2]] },
  // DepthwiseConv2D: kh * kw * cin * m + cin * m
  { name: "DepthwiseConv2D(3)", make: () => layers.DepthwiseConv2D(3), input: [7, 8, 3], output: [null, 5, 6, 3], params: 9 * 3 + 3, weights: [[3, 3, 3, 1], [3]] },
  { name: "DepthwiseConv2D([3, 2], multiplier 4, strides 2, same)", make: () => layers.DepthwiseConv2D([3, 2], { depthMultiplier: 4, strides: 2, padding: "same" }), input: [9, 8, 2], output: [null, 5, 4, 8], params: 6 * 2 * 4 + 8, weights: [[3, 2, 2, 4], [8]] },
  { name: "DepthwiseConv2D(3, dilation 2, strides 2)", make: () => layers.DepthwiseConv2D(3, { dilationRate: 2, strides: 2 }), input: [11, 11, 2], output: [null, convLen(11, 3, 2, 2), convLen(11, 3, 2, 2), 2], params: 9 * 2 + 2, weights: [[3, 3, 2, 1], [2]] },
  // SeparableConv2D: kh * kw * cin * m + cin * m * filters + filters
  { name: "SeparableConv2D(8, 3)", make: () => layers.SeparableConv2D(8, 3), input: [7, 7, 3], output: [null, 5, 5, 8], params: 9 * 3 + 3 * 8 + 8, weights: [[3, 3, 3, 1], [1, 1, 3, 8], [8]] },
  { name: "SeparableConv2D(5, 3, multiplier 2, strides 2, same, no bias)", make: () => layers.SeparableConv2D(5, 3, { depthMultiplier: 2, strides: 2, padding: "same", useBias: false }), input: [8, 9, 4], output: [null, 4, 5, 5], params: 9 * 4 * 2 + 8 * 5, weights: [[3, 3, 4, 2], [1, 1, 8, 5]] },
];

for (const r of ROWS) {
  test(`${r.name}: output shape and parameter count by Keras' formulas, weights in Keras' order`, () => {
    keras.backend.clearSession();
    const layer = r.make() as ReturnType<typeof layers.Conv2D>;
    const y = layer(layers.Input(r.input));
    assert.deepEqual(y.shape, r.output);
    assert.deepEqual(layer.computeOutputShape([null, ...r.input]), r.output);
    assert.equal(layer.countParams(), r.params);
    assert.equal(r.weights.reduce((n, w) => n + prod(w), 0), r.params, "the table adds up");
    assert.deepEqual(layer.weights.map((w) => w.shape), r.weights);
  });
}

test("automatic names and variable names are Keras 3's", () => {
  keras.backend.clearSession();
  const made = [layers.Conv1D(2, 3), layers.Conv1D(2, 3), layers.Conv2D(2, 3), layers.Conv2DTranspose(2, 3), layers.DepthwiseConv2D(3), layers.SeparableConv2D(2, 3), layers.SeparableConv2D(2, 3), layers.Conv1DTranspose(2, 3)];
  assert.deepEqual(made.map((l) => l.name), ["conv1d", "conv1d_1", "conv2d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d", "separable_conv2d_1", "conv1d_transpose"]);
  const x = layers.Input([6, 6, 2]);
  const [dw, sep, tr] = [made[4], made[5], made[3]];
  tr(sep(dw(x)));
  assert.deepEqual(dw.variables.map((v) => v.name), ["depthwise_conv2d/kernel:0", "depthwise_conv2d/bias:0"]);
  assert.deepEqual(sep.variables.map((v) => v.name), ["separable_conv2d/depthwise_kernel:0", "separable_conv2d/pointwise_kernel:0", "separable_conv2d/bias:0"]);
  assert.deepEqual(tr.variables.map((v) => v.name), ["conv2d_transpose/kernel:0", "conv2d_transpose/bias:0"]);
  made[7](layers.Input([5, 2]));
  assert.deepEqual(made[7].variables.map((v) => v.name), ["conv1d_transpose/kernel:0", "conv1d_transpose/bias:0"]);
  assert.deepEqual(made.map((l) => l.getClassName()), ["Conv1D", "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "SeparableConv2D", "Conv1DTranspose"]);
});

test("the first layer of a Sequential model takes inputShape; Keras' positional and named forms make the same layer", () => {
  keras.backend.clearSession();
  const model = keras.Sequential([layers.Conv1D({ filters: 4, kernelSize: 3, inputShape: [10, 2] }), layers.Conv1D(2, [3], { padding: "causal" })]);
  assert.deepEqual(model.tf.outputs[0].shape, [null, 8, 2]);
  assert.equal(model.tf.countParams(), 3 * 2 * 4 + 4 + 3 * 4 * 2 + 2);
  const forms = [layers.Conv2D(3, 2, { strides: 2 }), layers.Conv2D(3, [2, 2], { strides: [2, 2] }), layers.Conv2D(3, { kernelSize: 2, strides: 2 }), layers.Conv2D({ filters: 3, kernelSize: [2, 2], strides: 2 })];
  const configs = forms.map((l) => ({ ...l.getConfig(), name: undefined }));
  for (const c of configs.slice(1)) assert.deepEqual(c, configs[0]);
});

test("a wrong input rank names the layer, the rank expected and the shape received", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.Conv2D(4, 3)(layers.Input([9, 9])), /Conv2D "conv2d": expected an input of rank 4 \(\[batch, height, width, channels\]\), got shape \[null, 9, 9\] \(rank 3\)/);
  assert.throws(() => layers.Conv1D(4, 3)(layers.Input([3, 9, 2])), /Conv1D "conv1d": expected an input of rank 3 \(\[batch, steps, channels\]\), got shape \[null, 3, 9, 2\] \(rank 4\)/);
  assert.throws(() => layers.DepthwiseConv2D(3)(layers.Input([9])), /DepthwiseConv2D "depthwise_conv2d": expected an input of rank 4 .*got shape \[null, 9\]/);
  assert.throws(() => layers.SeparableConv2D(2, 3)(layers.Input([3, 9, 9, 2])), /SeparableConv2D "separable_conv2d": expected an input of rank 4 .*got shape \[null, 3, 9, 9, 2\]/);
  assert.throws(() => layers.Conv2DTranspose(2, 3)(layers.Input([9, 2])), /Conv2DTranspose "conv2d_transpose": expected an input of rank 4 .*got shape \[null, 9, 2\]/);
  assert.throws(() => layers.Conv1DTranspose(2, 3)(layers.Input([9, 9, 2])), /Conv1DTranspose "conv1d_transpose": expected an input of rank 3 \(\[batch, steps, channels\]\), got shape \[null, 9, 9, 2\] \(rank 4\)/);
  // Once built, another channel count is the callable's error naming the layer and both shapes.
  const conv = layers.Conv2D(2, 3);
  conv(layers.Input([8, 8, 3]));
  assert.throws(() => conv(layers.Input([8, 8, 4])), /Input 0 of layer "conv2d_1" is incompatible: expected shape \[null, null, null, 3\], got \[null, 8, 8, 4\]/);
});

test("groups must divide the filters (when made) and the input channels (when built)", () => {
  assert.throws(() => layers.Conv2D(6, 3, { groups: 4 }), /Conv2D\(6\): filters \(6\) must be divisible by groups \(4\)/);
  assert.throws(() => layers.Conv1D(4, 3, { groups: 0 }), /Conv1D\(4\): groups must be a positive integer, got 0/);
  keras.backend.clearSession();
  assert.throws(() => layers.Conv2D(4, 3, { groups: 4 })(layers.Input([9, 9, 6])), /Conv2D "conv2d": the input's 6 channels must be divisible by groups \(4\)/);
  assert.throws(() => layers.Conv1D(2, 3, { groups: 2 })(layers.Input([9, 3])), /Conv1D "conv1d": the input's 3 channels must be divisible by groups \(2\)/);
});

test("unknown padding and data formats list the accepted ones; bad sizes echo the value", () => {
  assert.throws(() => layers.Conv1D(2, 3, { padding: "full" as never }), /Conv1D\(2\): padding must be "valid", "same" or "causal", got "full"/);
  assert.throws(() => layers.Conv2D(2, 3, { padding: "causal" as never }), /Conv2D\(2\): padding must be "valid" or "same", got "causal"/);
  assert.throws(() => layers.DepthwiseConv2D(3, { padding: "causal" as never }), /DepthwiseConv2D: padding must be "valid" or "same", got "causal"/);
  assert.throws(() => layers.Conv2DTranspose(2, 3, { padding: "full" as never }), /padding must be "valid" or "same", got "full"/);
  assert.throws(() => layers.SeparableConv2D(2, 3, { dataFormat: "nchw" as never }), /SeparableConv2D\(2\): dataFormat must be "channels_last" or "channels_first", got "nchw"/);
  assert.throws(() => layers.Conv1D(-1, 3), /Conv1D: filters must be a positive integer, got -1/);
  assert.throws(() => layers.Conv2D(2, [3, 0]), /Conv2D\(2\): kernelSize must be a positive integer or 2 of them, got \[3,0\]/);
  assert.throws(() => layers.Conv2D(2), /Conv2D\(2\): kernelSize is required/);
  assert.throws(() => layers.Conv1D(2, 3, { strides: [1, 2] }), /Conv1D\(2\): strides must be a positive integer or 1 of them, got \[1,2\]/);
  assert.throws(() => layers.DepthwiseConv2D(3, { depthMultiplier: 0 }), /DepthwiseConv2D: depthMultiplier must be a positive integer, got 0/);
  assert.throws(() => layers.Conv2D(2, 3, { activation: "relu7" as never }), /Conv2D\(2\): unknown activation "relu7"/);
  assert.throws(() => layers.Conv2D(2, 3, { kernelInitializer: "glorot" }), /Conv2D\(2\): unknown kernelInitializer "glorot"/);
  assert.throws(() => layers.SeparableConv2D(2, 3, { pointwiseRegularizer: "l3" }), /SeparableConv2D\(2\): unknown pointwiseRegularizer "l3"/);
});

test("strides > 1 with dilation > 1, outputPadding >= strides and windows larger than the input are Keras' errors", () => {
  assert.throws(() => layers.Conv2D(2, 3, { strides: 2, dilationRate: 2 }), /Conv2D\(2\): strides > 1 are not supported together with dilationRate > 1, got strides \[2,2\] and dilationRate \[2,2\]/);
  assert.throws(() => layers.Conv1D(2, 3, { strides: 2, dilationRate: 2 }), /Conv1D\(2\): strides > 1 are not supported together with dilationRate > 1/);
  assert.throws(() => layers.Conv2DTranspose(2, 3, { strides: 2, outputPadding: 2 }), /Conv2DTranspose\(2\): outputPadding must be less than strides on every axis, got outputPadding \[2,2\] with strides \[2,2\]/);
  assert.throws(() => layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 2 }), /Conv1DTranspose\(2\): outputPadding must be less than strides, got outputPadding \[2\] with strides \[2\]/);
  assert.throws(() => layers.Conv1DTranspose(2, 3, { strides: 2, dilationRate: 2 }), /Conv1DTranspose\(2\): strides > 1 are not supported together with dilationRate > 1/);
  assert.throws(() => layers.Conv1DTranspose(2, 3, { padding: "causal" as never }), /Conv1DTranspose\(2\): padding must be "valid" or "same", got "causal"/);
  assert.throws(() => layers.Conv1DTranspose(2), /Conv1DTranspose\(2\): kernelSize is required, e.g. Conv1DTranspose\(2, 3\)/);
  keras.backend.clearSession();
  assert.throws(() => layers.Conv1DTranspose(2, 2, { strides: 2, padding: "same", outputPadding: 0 })(layers.Input([5, 2])), /Conv1DTranspose "conv1d_transpose": the output size \[8\] \(kernelSize \[2\].* does not convolve back to the input size \[5\]/);
  assert.throws(() => layers.Conv2D(4, 5)(layers.Input([3, 3, 2])), /Conv2D "conv2d": the input \[null, 3, 3, 2\] is too small for kernelSize \[5, 5\] \(dilationRate \[1, 1\], strides \[1, 1\], padding "valid"\): the output size would be \[-1, -1\]/);
  assert.throws(() => layers.Conv1D(4, 3, { dilationRate: 4 })(layers.Input([8, 2])), /Conv1D "conv1d": the input \[null, 8, 2\] is too small for kernelSize \[3\]/);
  assert.throws(() => layers.DepthwiseConv2D(4)(layers.Input([3, 3, 2])), /DepthwiseConv2D "depthwise_conv2d": the input \[null, 3, 3, 2\] is too small/);
  // An even kernel with padding "same" and outputPadding 0 does not map back to the input (TensorFlow refuses it).
  assert.throws(() => layers.Conv2DTranspose(2, 2, { strides: 2, padding: "same", outputPadding: 0 })(layers.Input([5, 5, 2])), /Conv2DTranspose "conv2d_transpose": the output size \[8, 8\].* does not convolve back to the input size \[5, 5\]/);
  // DepthwiseConv2D and SeparableConv2D allow both (Keras 3 subsamples the dilated convolution).
  assert.deepEqual(layers.SeparableConv2D(2, 3, { strides: 2, dilationRate: 2 })(layers.Input([9, 9, 2])).shape, [null, 3, 3, 2]);
});

/** Gives the layers of both models the same weights, then compares predict(x) with the channels moved. */
async function sameAsChannelsLast(first: tf.layers.Layer, last: tf.layers.Layer, shapeFirst: number[]): Promise<void> {
  const perm = [0, ...shapeFirst.slice(1).map((_, i) => i + 2), 1];
  const x = tf.randomNormal([2, ...shapeFirst], 0, 1, "float32", 7);
  const inF = layers.Input(shapeFirst);
  const inL = layers.Input(perm.slice(1).map((p) => shapeFirst[p - 1]));
  const mf = keras.Model(inF, (first as ReturnType<typeof layers.Conv2D>)(inF));
  const ml = keras.Model(inL, (last as ReturnType<typeof layers.Conv2D>)(inL));
  const w = last.getWeights().map((t) => tf.randomNormal(t.shape, 0, 1, "float32", 9));
  first.setWeights(w);
  last.setWeights(w);
  const xl = tf.transpose(x, perm);
  const yf = (await mf.predict(x)) as tf.Tensor;
  const yl = (await ml.predict(xl)) as tf.Tensor;
  const back = tf.transpose(yl, [0, perm.length - 1, ...perm.slice(1, -1).map((_, i) => i + 1)]);
  assert.deepEqual(yf.shape, back.shape);
  const diff = (await tf.max(tf.abs(tf.sub(yf, back))).data())[0];
  assert.ok(diff < 1e-4, `channels-first differs from channels-last by ${diff}`);
  tf.dispose([x, xl, yf, yl, back, ...w]);
}

test("channels_first data gives the channels-last result with the channels moved (Keras' TensorFlow CPU backend cannot run these)", async () => {
  keras.backend.clearSession();
  await sameAsChannelsLast(layers.Conv2D(4, 3, { dataFormat: "channels_first", strides: 2, padding: "same", groups: 2 }), layers.Conv2D(4, 3, { strides: 2, padding: "same", groups: 2 }), [2, 7, 8]);
  await sameAsChannelsLast(layers.Conv1D(3, 3, { dataFormat: "channels_first", padding: "causal", dilationRate: 2 }), layers.Conv1D(3, 3, { padding: "causal", dilationRate: 2 }), [2, 9]);
  await sameAsChannelsLast(layers.Conv2DTranspose(3, 3, { dataFormat: "channels_first", strides: 2 }), layers.Conv2DTranspose(3, 3, { strides: 2 }), [2, 4, 5]);
  await sameAsChannelsLast(layers.Conv1DTranspose(3, 3, { dataFormat: "channels_first", dilationRate: 2 }), layers.Conv1DTranspose(3, 3, { dilationRate: 2 }), [2, 6]);
});

test("the dilated Conv2DTranspose is the adjoint of the dilated Conv2D: <conv(x), z> = <x, convT(z)>", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([2, 9, 8, 3], 0, 1, "float32", 1);
  const conv = layers.Conv2D(4, 3, { dilationRate: [2, 3], useBias: false });
  const y = conv(x) as tf.Tensor;
  const z = tf.randomNormal(y.shape, 0, 1, "float32", 2);
  const convT = layers.Conv2DTranspose(3, 3, { dilationRate: [2, 3], useBias: false });
  const back = convT(z) as tf.Tensor;
  assert.deepEqual(back.shape, x.shape);
  convT.setWeights(conv.getWeights()); // both [3, 3, 3, 4]: [kh, kw, cin, cout] / [kh, kw, filters, channels]
  const back2 = convT(z) as tf.Tensor;
  const lhs = (await tf.sum(tf.mul(y, z)).data())[0];
  const rhs = (await tf.sum(tf.mul(x, back2)).data())[0];
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.abs(lhs), `<conv(x), z> = ${lhs}, <x, convT(z)> = ${rhs}`);
  tf.dispose([x, y, z, back, back2]);
});

test("the dilated Conv1DTranspose is the adjoint of the dilated Conv1D: <conv(x), z> = <x, convT(z)>", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([2, 13, 3], 0, 1, "float32", 1);
  const conv = layers.Conv1D(4, 3, { dilationRate: 3, useBias: false });
  const y = conv(x) as tf.Tensor;
  const z = tf.randomNormal(y.shape, 0, 1, "float32", 2);
  const convT = layers.Conv1DTranspose(3, 3, { dilationRate: 3, useBias: false });
  const back = convT(z) as tf.Tensor;
  assert.deepEqual(back.shape, x.shape);
  convT.setWeights(conv.getWeights()); // both [3, 3, 4]: [k, cin, cout] / [k, filters, channels]
  const back2 = convT(z) as tf.Tensor;
  const lhs = (await tf.sum(tf.mul(y, z)).data())[0];
  const rhs = (await tf.sum(tf.mul(x, back2)).data())[0];
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.abs(lhs), `<conv(x), z> = ${lhs}, <x, convT(z)> = ${rhs}`);
  tf.dispose([x, y, z, back, back2]);
});

test("save and loadModel keep every convolution layer's options and weights", async () => {
  keras.backend.clearSession();
  const seq = layers.Input([12, 4]);
  const a = layers.Flatten()(layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 1, kernelRegularizer: "l2" })(layers.Conv1D(4, 3, { padding: "causal", dilationRate: 2, groups: 2, activation: "relu" })(seq)));
  const img = layers.Input([8, 8, 4]);
  let h = layers.Conv2D(4, 3, { groups: 2, dilationRate: 2, padding: "same", kernelInitializer: "he_normal", kernelRegularizer: "l2" })(img);
  h = layers.DepthwiseConv2D(3, { depthMultiplier: 2, strides: 2, padding: "same", depthwiseRegularizer: "l1", biasConstraint: "max_norm" })(h);
  h = layers.SeparableConv2D(3, 3, { dataFormat: "channels_first", pointwiseInitializer: "ones" })(h);
  h = layers.Conv2DTranspose(2, 3, { strides: 2, outputPadding: 1, activation: "tanh" })(h);
  const model = keras.Model([seq, img], [a, layers.Flatten()(h)]);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-conv-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
  const xs = [tf.randomNormal([2, 12, 4], 0, 1, "float32", 3), tf.randomNormal([2, 8, 8, 4], 0, 1, "float32", 4)];
  const p = (await model.predict(xs)) as tf.Tensor[];
  const q = (await loaded.predict(xs)) as tf.Tensor[];
  for (let i = 0; i < 2; i++) assert.deepEqual(Array.from(await q[i].data()), Array.from(await p[i].data()));
  tf.dispose([...xs, ...p, ...q]);
});

test("the depthwise constraint is saved as the constraint (tfjs 4.22 saves the regularizer in its place)", () => {
  const dw = layers.DepthwiseConv2D(3, { depthwiseConstraint: "non_neg", depthwiseRegularizer: "l2" });
  assert.equal((dw.getConfig().depthwiseConstraint as { className: string }).className, "NonNeg");
  const sep = layers.SeparableConv2D(2, 3, { depthwiseConstraint: "unit_norm", pointwiseConstraint: "non_neg" });
  assert.equal((sep.getConfig().depthwiseConstraint as { className: string }).className, "UnitNorm");
  assert.equal((sep.getConfig().pointwiseConstraint as { className: string }).className, "NonNeg");
});

test("SeparableConv2D takes its pointwise initializer from pointwiseInitializer (tfjs 4.22 reads the depthwise one)", async () => {
  keras.backend.clearSession();
  const sep = layers.SeparableConv2D(2, 3, { depthwiseInitializer: "zeros", pointwiseInitializer: "ones" });
  sep(layers.Input([5, 5, 2]));
  const [dw, pw] = sep.getWeights();
  assert.deepEqual(Array.from(await dw.data()), new Array(18).fill(0));
  assert.deepEqual(Array.from(await pw.data()), new Array(4).fill(1));
});

/** Fits 3 epochs with Adam on a regression target; the loss must fall and the tensor count stay flat. */
async function trains(model: ReturnType<typeof keras.Model>, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  model.compile({ loss: "mse", optimizer: "adam" });
  const counts: number[] = [];
  const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = h.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
}

/** Inputs of `shape` and a target the model can learn: the mean of each sample's first channel. */
function data(shape: number[], seed: number) {
  return tf.tidy(() => {
    const x = tf.randomNormal([64, ...shape], 0, 1, "float32", seed);
    const first = tf.slice(x, new Array(shape.length + 1).fill(0), [64, ...shape.slice(0, -1), 1]);
    return { x, y: tf.mul(tf.mean(first, shape.map((_, i) => i + 1)), 3).reshape([64, 1]) };
  });
}

const TRAINING: { name: string; shape: number[]; body: (x: tf.SymbolicTensor) => tf.SymbolicTensor }[] = [
  { name: "Conv1D (causal, dilated, grouped, strided)", shape: [16, 4], body: (x) => layers.Conv1D(4, 3, { strides: 2, groups: 2 })(layers.Conv1D(8, 3, { padding: "causal", dilationRate: 2, activation: "relu" })(x)) },
  { name: "Conv2D (grouped, dilated, same)", shape: [8, 8, 4], body: (x) => layers.Conv2D(6, 3, { groups: 2, dilationRate: 2, padding: "same", activation: "relu" })(x) },
  { name: "Conv1DTranspose (strides 2, same)", shape: [6, 3], body: (x) => layers.Conv1DTranspose(4, 3, { strides: 2, padding: "same", activation: "relu" })(x) },
  { name: "Conv2DTranspose (strides 2, outputPadding 1)", shape: [4, 4, 3], body: (x) => layers.Conv2DTranspose(4, 3, { strides: 2, outputPadding: 1, activation: "relu" })(x) },
  { name: "DepthwiseConv2D (multiplier 2, strides 2, same)", shape: [8, 8, 3], body: (x) => layers.DepthwiseConv2D(3, { depthMultiplier: 2, strides: 2, padding: "same", activation: "relu" })(x) },
  { name: "DepthwiseConv2D (dilated)", shape: [9, 9, 2], body: (x) => layers.DepthwiseConv2D(3, { dilationRate: 2 })(x) },
  { name: "SeparableConv2D (dilated, multiplier 2)", shape: [9, 9, 3], body: (x) => layers.SeparableConv2D(4, 3, { dilationRate: 2, depthMultiplier: 2, activation: "relu" })(x) },
];

for (const t of TRAINING) {
  test(`${t.name} trains on the default backend: loss falls, tensor count flat`, async () => {
    keras.backend.clearSession();
    const input = layers.Input(t.shape);
    const model = keras.Model(input, layers.Dense(1)(layers.Flatten()(t.body(input))));
    const { x, y } = data(t.shape, 11);
    await trains(model, x, y);
    tf.dispose([x, y]);
  });
}
