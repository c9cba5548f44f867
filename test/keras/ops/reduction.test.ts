// Keras parity of the reductions of keras.ops (src/keras/ops/reduction.ts).
import { opsParity, R, T, type OpCase } from "./ops_cases.ts";
import { ops } from "../../../src/index.ts";

const X = R([2, 3, 4]);
const I = T([[1, -2, 3], [4, 0, -6]], "int32");
const B = T([[true, false, true], [false, false, true]], "bool");

const cases: Record<string, OpCase> = {
  sum_all: { op: "sum", args: [X], grad: [0] },
  sum_axis: { op: "sum", args: [X, 1], grad: [0] },
  sum_axes_keepdims: { op: "sum", args: [X], kwargs: { axis: [0, 2], keepdims: true }, grad: [0] },
  sum_negative_axis: { op: "sum", args: [X], kwargs: { axis: -1 } },
  sum_int: { op: "sum", args: [I, 0] },
  sum_bool: { op: "sum", args: [B] },
  mean_all: { op: "mean", args: [X], grad: [0] },
  mean_axis_keepdims: { op: "mean", args: [X], kwargs: { axis: 1, keepdims: true }, grad: [0] },
  mean_int: { op: "mean", args: [I, 1] },
  max_all: { op: "max", args: [X], grad: [0] },
  max_axis: { op: "max", args: [X, -1], grad: [0] },
  max_int: { op: "max", args: [I], kwargs: { axis: 0, keepdims: true } },
  max_bool: { op: "max", args: [B, 1] },
  min_axis: { op: "min", args: [X, 0], grad: [0] },
  amax: { op: "amax", args: [X, 2] },
  amin: { op: "amin", args: [I] },
  prod: { op: "prod", args: [R([2, 3], 3)], kwargs: { axis: 1 }, grad: [0] },
  prod_int: { op: "prod", args: [I, 0] },
  std: { op: "std", args: [X], grad: [0] },
  std_axis: { op: "std", args: [X], kwargs: { axis: 1, keepdims: true }, grad: [0] },
  var: { op: "var", args: [X, [0, 1]], grad: [0] },
  var_int: { op: "var", args: [I] },
  any: { op: "any", args: [B, 1] },
  any_float: { op: "any", args: [T([[0, 0.5], [0, 0]])], kwargs: { axis: 0 } },
  all: { op: "all", args: [B], kwargs: { axis: 0, keepdims: true } },
  all_int: { op: "all", args: [I] },
  logsumexp: { op: "logsumexp", args: [X], grad: [0] },
  logsumexp_axis: { op: "logsumexp", args: [X], kwargs: { axis: -1, keepdims: true }, grad: [0] },
  argmax_flat: { op: "argmax", args: [X] },
  argmax_axis: { op: "argmax", args: [X, 1] },
  argmax_keepdims: { op: "argmax", args: [X], kwargs: { axis: -1, keepdims: true } },
  argmin_int: { op: "argmin", args: [I, 0] },
  argmin_flat: { op: "argmin", args: [X] },
  cumsum_flat: { op: "cumsum", args: [X], grad: [0] },
  cumsum_axis: { op: "cumsum", args: [X, 1], grad: [0] },
  cumsum_int: { op: "cumsum", args: [I], kwargs: { axis: -1 } },
  cumsum_bool: { op: "cumsum", args: [B, 0] },
  cumprod_axis: { op: "cumprod", args: [R([2, 3], 2)], kwargs: { axis: 1 }, grad: [0] },
  cumprod_int: { op: "cumprod", args: [I, 0] },
  average: { op: "average", args: [X], grad: [0] },
  average_axis: { op: "average", args: [X], kwargs: { axis: 1 }, grad: [0] },
  average_weights_1d: { op: "average", args: [X], kwargs: { axis: 2, weights: T([1, 2, 3, 4]) }, grad: [0] },
  average_weights_full: { op: "average", args: [R([2, 3])], kwargs: { axis: null, weights: T([[1, 0, 2], [0.5, 1, 1]]) } },
  count_nonzero: { op: "count_nonzero", args: [I] },
  count_nonzero_axis: { op: "count_nonzero", args: [T([[0, 0.5], [0, 0]])], kwargs: { axis: 1 } },
  // The same ops called with the axis positionally or in the options object give the same result.
  sum_options_positional: { op: "sum", args: [X, 2], ts: ([x]) => ops.sum(x as never, 2, { keepdims: false }) },
};

opsParity("reduction", cases);
