// Optimizer updates and moving averages written in place into tfjs variables (the caller makes sure no
// other tensor shares their memory): one pass per variable instead of a handful of tfjs kernels each.
#include <cmath>
#include "heap.h"

// Keras' SGD: v = momentum * v - lr * g;  w += nesterov ? momentum * v - lr * g : v  (momentum 0: w -= lr * g)
// params: n, lr, momentum, nesterov, w, v (-1 when momentum is 0), g
void sgd_update(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float lr = p.f(1), mom = p.f(2);
  const bool nesterov = p.i(3) != 0;
  float* w = h.at(p.i(4), n, "sgdUpdate variable");
  const float* g = h.at(p.i(6), n, "sgdUpdate gradient");
  if (mom == 0.0f) {
    for (int64_t i = 0; i < n; i++) w[i] -= lr * g[i];
    return;
  }
  float* v = h.at(p.i(5), n, "sgdUpdate velocity");
  for (int64_t i = 0; i < n; i++) {
    const float vi = mom * v[i] - lr * g[i];
    v[i] = vi;
    w[i] += nesterov ? mom * vi - lr * g[i] : vi;
  }
}

// tfjs' (and Keras') Adam: m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;
//   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// params: n, lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t, w, m, v, g
void adam_update(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float lr = p.f(1), b1 = p.f(2), b2 = p.f(3), eps = p.f(4), c1 = p.f(5), c2 = p.f(6);
  float* w = h.at(p.i(7), n, "adamUpdate variable");
  float* m = h.at(p.i(8), n, "adamUpdate first moment");
  float* v = h.at(p.i(9), n, "adamUpdate second moment");
  const float* g = h.at(p.i(10), n, "adamUpdate gradient");
  for (int64_t i = 0; i < n; i++) {
    const float mi = b1 * m[i] + (1.0f - b1) * g[i];
    const float vi = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    m[i] = mi;
    v[i] = vi;
    w[i] -= lr * (mi / c1) / (std::sqrt(vi / c2) + eps);
  }
}

// target = target * (1 - weight) + value * weight  (Keras' moving mean and variance of batch norm:
// moving -= (moving - value) * (1 - momentum)).  params: n, weight, target, value
void lerp_into(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float a = p.f(1);
  float* t = h.at(p.i(2), n, "lerpInto target");
  const float* v = h.at(p.i(3), n, "lerpInto value");
  for (int64_t i = 0; i < n; i++) t[i] -= (t[i] - v[i]) * a;
}

// Dropout's mask and output in one pass: each element is kept with probability 1 - rate and scaled by
// 1 / (1 - rate). The mask (0 or the scale) is the gradient's multiplier. Random bits come from
// splitmix64 of (seed, index), so a call is reproducible from its seed.
// params: n, rate, seed, x, y, mask
void dropout(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const double rate = p.v[1];
  const uint64_t seed = (uint64_t)p.i(2);
  const float* x = h.at(p.i(3), n, "dropout x");
  float* y = h.at(p.i(4), n, "dropout y");
  float* mask = h.at(p.i(5), n, "dropout mask");
  const float scale = (float)(1.0 / (1.0 - rate));
  const uint64_t threshold = (uint64_t)(rate * 18446744073709551616.0);  // rate * 2^64
  for (int64_t i = 0; i < n; i++) {
    uint64_t z = seed + (uint64_t)i * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    mask[i] = z >= threshold ? scale : 0.0f;
    y[i] = x[i] * mask[i];
  }
}

// Sum over the leading axes of a row-major tensor: x [rows, cols] -> out [cols] (a bias gradient).
// params: rows, cols, x, out
void sum_rows(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), cols = p.i(1);
  const float* x = h.at(p.i(2), rows * cols, "sumRows x");
  float* out = h.at(p.i(3), cols, "sumRows out");
  for (int64_t c = 0; c < cols; c++) out[c] = 0.0f;
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    for (int64_t c = 0; c < cols; c++) out[c] += xr[c];
  }
}

// Elementwise kernels for the big activations of a convnet, where the wasm ones run at 1-2 GB/s.
// binary: op 0 add, 1 sub, 2 mul, 3 div; b is a scalar when bScalar. params: op, n, bScalar, a, b, out
void binary(const Heap& h, const Params& p) {
  const int64_t op = p.i(0), n = p.i(1);
  const bool scalar = p.i(2) != 0;
  const float* a = h.at(p.i(3), n, "binary a");
  const float* b = h.at(p.i(4), scalar ? 1 : n, "binary b");
  float* out = h.at(p.i(5), n, "binary out");
  if (scalar) {
    const float s = b[0];
    switch (op) {
      case 0: for (int64_t i = 0; i < n; i++) out[i] = a[i] + s; break;
      case 1: for (int64_t i = 0; i < n; i++) out[i] = a[i] - s; break;
      case 2: for (int64_t i = 0; i < n; i++) out[i] = a[i] * s; break;
      case 3: for (int64_t i = 0; i < n; i++) out[i] = a[i] / s; break;
      default: throw std::range_error("tsdl_native.binary: unknown op");
    }
    return;
  }
  switch (op) {
    case 0: for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case 1: for (int64_t i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case 2: for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case 3: for (int64_t i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    default: throw std::range_error("tsdl_native.binary: unknown op");
  }
}

// unary: op 0 relu, 1 step (x > 0 ? 1 : alpha; NaN stays NaN, as tfjs' Step). params: op, n, alpha, x, out
void unary(const Heap& h, const Params& p) {
  const int64_t op = p.i(0), n = p.i(1);
  const float alpha = p.f(2);
  const float* x = h.at(p.i(3), n, "unary x");
  float* out = h.at(p.i(4), n, "unary out");
  switch (op) {
    case 0: for (int64_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : (x[i] != x[i] ? x[i] : 0.0f); break;
    case 1: for (int64_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : alpha); break;
    default: throw std::range_error("tsdl_native.unary: unknown op");
  }
}

// Keras' cross-entropy of probabilities (renormalised rows, clipped to [eps, 1 - eps]) per sample, and
// its gradient. Labels are one-hot rows (float) or class indices (int32; one out of range gives 0, as a
// one-hot row of zeros does). The clip passes gradient where eps <= q <= 1 - eps (tfjs' clipByValue).
//   L = -sum_i y_i log(clip(q_i)),  q = p / sum(p)
//   dL/dp_j = (g_j - sum_i g_i q_i) / sum(p),  g_i = -y_i / q_i where not clipped, else 0
namespace {
struct CrossEntropy {
  int64_t n, C;
  bool sparse;
  float eps;
  const float* p;
  const float* onehot;
  const int32_t* index;
  CrossEntropy(const Heap& h, const Params& p_) : n(p_.i(0)), C(p_.i(1)), sparse(p_.i(2) != 0), eps(p_.f(3)) {
    if (n <= 0 || C <= 0) throw std::range_error("tsdl_native.crossEntropy: empty input");
    p = h.at(p_.i(4), n * C, "crossEntropy predictions");
    const float* labels = h.at(p_.i(5), sparse ? n : n * C, "crossEntropy labels");
    onehot = sparse ? nullptr : labels;
    index = sparse ? reinterpret_cast<const int32_t*>(labels) : nullptr;
  }
  float y(int64_t r, int64_t i) const { return sparse ? (index[r] == i ? 1.0f : 0.0f) : onehot[r * C + i]; }
};
}  // namespace

// params: n, C, sparse, epsilon, predictions, labels, out [n]
void cross_entropy(const Heap& h, const Params& p) {
  const CrossEntropy ce(h, p);
  float* out = h.at(p.i(6), ce.n, "crossEntropy out");
  for (int64_t r = 0; r < ce.n; r++) {
    const float* pr = ce.p + r * ce.C;
    float s = 0.0f;
    for (int64_t i = 0; i < ce.C; i++) s += pr[i];
    float loss = 0.0f;
    for (int64_t i = 0; i < ce.C; i++) {
      const float yi = ce.y(r, i);
      if (yi == 0.0f) continue;
      const float q = std::fmin(std::fmax(pr[i] / s, ce.eps), 1.0f - ce.eps);
      loss -= yi * std::log(q);
    }
    out[r] = loss;
  }
}

// params: n, C, sparse, epsilon, predictions, labels, dy [n], dp [n, C]
void cross_entropy_grad(const Heap& h, const Params& p) {
  const CrossEntropy ce(h, p);
  const float* dy = h.at(p.i(6), ce.n, "crossEntropyGrad dy");
  float* dp = h.at(p.i(7), ce.n * ce.C, "crossEntropyGrad dp");
  for (int64_t r = 0; r < ce.n; r++) {
    const float* pr = ce.p + r * ce.C;
    float* dr = dp + r * ce.C;
    float s = 0.0f;
    for (int64_t i = 0; i < ce.C; i++) s += pr[i];
    float t = 0.0f;
    for (int64_t i = 0; i < ce.C; i++) {
      const float q = pr[i] / s;
      const float yi = ce.y(r, i);
      const float g = (yi != 0.0f && q >= ce.eps && q <= 1.0f - ce.eps) ? -yi / q : 0.0f;
      dr[i] = g;
      t += g * q;
    }
    const float k = dy[r] / s;
    for (int64_t i = 0; i < ce.C; i++) dr[i] = (dr[i] - t) * k;
  }
}

// Accuracy per sample: 1 where the row's first largest prediction is the label (a class index, or the
// first largest entry of a one-hot row), else 0.  params: n, C, sparse, predictions, labels, out [n]
void accuracy(const Heap& h, const Params& p) {
  const int64_t n = p.i(0), C = p.i(1);
  const bool sparse = p.i(2) != 0;
  if (n <= 0 || C <= 0) throw std::range_error("tsdl_native.accuracy: empty input");
  const float* pred = h.at(p.i(3), n * C, "accuracy predictions");
  const float* labels = h.at(p.i(4), sparse ? n : n * C, "accuracy labels");
  float* out = h.at(p.i(5), n, "accuracy out");
  auto argmax = [C](const float* row) {
    int64_t best = 0;
    for (int64_t i = 1; i < C; i++)
      if (row[i] > row[best]) best = i;
    return best;
  };
  for (int64_t r = 0; r < n; r++) {
    const int64_t want = sparse ? reinterpret_cast<const int32_t*>(labels)[r] : argmax(labels + r * C);
    out[r] = argmax(pred + r * C) == want ? 1.0f : 0.0f;
  }
}
