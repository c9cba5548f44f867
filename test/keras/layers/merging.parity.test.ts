// Keras parity of the merging layers: the Keras side is test/keras/parity/cases_merging.py.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("merging", {
  add_two: { build: () => layers.Add() },
  add_three_functional: { build: (x) => layers.add(x) },
  add_broadcast: { build: () => layers.Add() },
  add_lower_rank: { build: () => layers.Add() },
  subtract_two: { build: () => layers.Subtract() },
  subtract_functional_broadcast: { build: (x) => layers.subtract(x) },
  multiply_two: { build: () => layers.Multiply() },
  multiply_three_functional: { build: (x) => layers.multiply(x) },
  average_two: { build: () => layers.Average() },
  average_three_functional: { build: (x) => layers.average(x) },
  maximum_two: { build: () => layers.Maximum() },
  maximum_three_functional: { build: (x) => layers.maximum(x) },
  maximum_broadcast: { build: () => layers.Maximum() },
  minimum_two: { build: () => layers.Minimum() },
  minimum_broadcast_lower_rank: { build: () => layers.Minimum() },
  minimum_three_functional: { build: (x) => layers.minimum(x) },
  concatenate_default: { build: () => layers.Concatenate() },
  concatenate_axis1: { build: () => layers.Concatenate({ axis: 1 }) },
  concatenate_three_functional: { build: (x) => layers.concatenate(x, { axis: -2 }) },
  concatenate_images: { build: () => layers.Concatenate() },
  dot_axes1: { build: () => layers.Dot(1) },
  dot_normalize: { build: () => layers.Dot(1, { normalize: true }) },
  dot_matmul: { build: () => layers.Dot([2, 1]) },
  dot_last_axes: { build: () => layers.Dot({ axes: 2 }) },
  dot_first_axes: { build: () => layers.Dot(1) },
  dot_rank2_rank3: { build: () => layers.Dot([1, 1]) },
  dot_rank3_rank2: { build: () => layers.Dot([2, 1]) },
  dot_rank4: { build: () => layers.Dot([3, 1]) },
  dot_rank4_both: { build: () => layers.Dot([1, 2]) },
  dot_functional_normalize: { build: (x) => layers.dot(x, { axes: -1, normalize: true }) },
  dense_branches: {
    build: (x) =>
      layers.Dense(2)(layers.concatenate([layers.add([layers.Dense(3)(x[0]), layers.Dense(3)(x[1])]), layers.multiply([layers.Dense(3)(x[0]), layers.Dense(3)(x[1])])])),
  },
  siamese_cosine: {
    build: (x) => {
      const d = layers.Dense(4);
      return layers.Dot(1, { normalize: true })([d(x[0]), d(x[1])]);
    },
  },
});
