// Elementwise passes of training: optimizer updates and moving averages written in place into tfjs
// variables (the caller makes sure no other tensor shares their memory), dropout, and the activations'
// big elementwise ops, where the wasm kernels run at 1-2 GB/s. Each loop is written over a range of
// restrict pointers, so that it vectorises (see each() in heap.h).
#include <cmath>
#include "heap.h"

#define R __restrict

// Keras' SGD: v = momentum * v - lr * g;  w += nesterov ? momentum * v - lr * g : v  (momentum 0: w -= lr * g)
// params: n, lr, momentum, nesterov, w, v (-1 when momentum is 0), g
void sgd_update(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float lr = p.f(1), mom = p.f(2);
  const bool nesterov = p.i(3) != 0;
  float* w = h.at(p.i(4), n, "sgdUpdate variable");
  const float* g = h.at(p.i(6), n, "sgdUpdate gradient");
  float* v = mom == 0.0f ? nullptr : h.at(p.i(5), n, "sgdUpdate velocity");
  each(n, [=](int64_t lo, int64_t hi) {
    float* R W = w;
    float* R V = v;
    const float* R G = g;
    if (!V) {
      for (int64_t i = lo; i < hi; i++) W[i] -= lr * G[i];
    } else if (nesterov) {
      for (int64_t i = lo; i < hi; i++) {
        const float vi = mom * V[i] - lr * G[i];
        V[i] = vi;
        W[i] += mom * vi - lr * G[i];
      }
    } else {
      for (int64_t i = lo; i < hi; i++) {
        const float vi = mom * V[i] - lr * G[i];
        V[i] = vi;
        W[i] += vi;
      }
    }
  });
}

// Keras 3's Adam: m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  w -= m * alpha / (sqrt(v) + eps), with
// alpha = lr * sqrt(1 - b2^t) / (1 - b1^t) from the caller (in float32, as Keras computes it): one square
// root and one division an entry (bias-correcting m and v apart took three divisions, 4x the time).
// params: n, alpha, beta1, beta2, epsilon, w, m, v, g, 1 - beta1, 1 - beta2
// (1 - beta computed by the caller in double: 1.0f - 0.999f is 4.7e-5 off 0.001, Keras' coefficient)
void adam_update(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float alpha = p.f(1), b1 = p.f(2), b2 = p.f(3), eps = p.f(4), a1 = p.f(9), a2 = p.f(10);
  float* w = h.at(p.i(5), n, "adamUpdate variable");
  float* m = h.at(p.i(6), n, "adamUpdate first moment");
  float* v = h.at(p.i(7), n, "adamUpdate second moment");
  const float* g = h.at(p.i(8), n, "adamUpdate gradient");
  each(n, [=](int64_t lo, int64_t hi) {
    float* R W = w;
    float* R M = m;
    float* R V = v;
    const float* R G = g;
    for (int64_t i = lo; i < hi; i++) {
      const float mi = b1 * M[i] + a1 * G[i];
      const float vi = b2 * V[i] + a2 * G[i] * G[i];
      M[i] = mi;
      V[i] = vi;
      W[i] -= mi * alpha / (std::sqrt(vi) + eps);
    }
  });
}

// target = target * (1 - weight) + value * weight  (Keras' moving mean and variance of batch norm:
// moving -= (moving - value) * (1 - momentum)).  params: n, weight, target, value
void lerp_into(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const float a = p.f(1);
  float* t = h.at(p.i(2), n, "lerpInto target");
  const float* v = h.at(p.i(3), n, "lerpInto value");
  each(n, [=](int64_t lo, int64_t hi) {
    float* R T = t;
    const float* R V = v;
    for (int64_t i = lo; i < hi; i++) T[i] -= (T[i] - V[i]) * a;
  });
}

// Dropout's mask: each element is kept with probability 1 - rate and scaled by 1 / (1 - rate) (the
// mask holds 0 or the scale); with x and y (offsets >= 0) also y = x * mask in the same pass. Random
// bits: a 32-bit integer hash (Wellons' lowbias32) of the index and the seed, so a call is
// reproducible from its seed. params: n, rate, seed (below 2^53), x (-1: none), y (-1: none), mask
void dropout(const Heap& h, const Params& p) {
  const int64_t n = p.i(0);
  const double rate = p.v[1];
  const uint64_t seed = (uint64_t)p.i(2);
  const uint32_t s0 = (uint32_t)seed, s1 = (uint32_t)(seed >> 32) * 0x85EBCA6Bu;
  const float* x = p.i(3) >= 0 ? h.at(p.i(3), n, "dropout x") : nullptr;
  float* y = x ? h.at(p.i(4), n, "dropout y") : nullptr;
  float* mask = h.at(p.i(5), n, "dropout mask");
  const float scale = (float)(1.0 / (1.0 - rate));
  const uint32_t threshold = (uint32_t)std::fmin(rate * 4294967296.0, 4294967295.0);
  each(n, [=](int64_t lo, int64_t hi) {
    const float* R X = x;
    float* R Y = y;
    float* R M = mask;
    const float sc = scale;  // locals, not the closure's fields: a select of two registers vectorises
    const uint32_t th = threshold, a0 = s0, a1 = s1;
    for (int64_t i = lo; i < hi; i++) {
      uint32_t z = ((uint32_t)i * 0x9E3779B9u + a0) ^ a1;
      z ^= z >> 16;
      z *= 0x7FEB352Du;
      z ^= z >> 15;
      z *= 0x846CA68Bu;
      z ^= z >> 16;
      const float k = z >= th ? sc : 0.0f;
      M[i] = k;
    }
    if (Y)
      for (int64_t i = lo; i < hi; i++) Y[i] = X[i] * M[i];
  });
}

// Sum over the leading axes of a row-major tensor: x [rows, cols] -> out [cols] (a bias gradient).
// params: rows, cols, x, out
void sum_rows(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), cols = p.i(1);
  const float* R x = h.at(p.i(2), rows * cols, "sumRows x");
  float* R out = h.at(p.i(3), cols, "sumRows out");
  for (int64_t c = 0; c < cols; c++) out[c] = 0.0f;
  for (int64_t r = 0; r < rows; r++) {
    const float* R xr = x + r * cols;
    for (int64_t c = 0; c < cols; c++) out[c] += xr[c];
  }
}

// binary: op 0 add, 1 sub, 2 mul, 3 div, 4 relu gradient (a * (b > 0): a = dy, b = relu's output, as
// tfjs' dy * step(x), except that a NaN activation passes no gradient); b is a scalar when bScalar.
// params: op, n, bScalar, a, b, out
void binary(const Heap& h, const Params& p) {
  const int64_t op = p.i(0), n = p.i(1);
  const bool scalar = p.i(2) != 0;
  if (op < 0 || op > 4 || (op == 4 && scalar)) throw std::range_error("tsdl_native.binary: unknown op");
  const float* a = h.at(p.i(3), n, "binary a");
  const float* b = h.at(p.i(4), scalar ? 1 : n, "binary b");
  float* out = h.at(p.i(5), n, "binary out");
  each(n, [=](int64_t lo, int64_t hi) {
    const float* R A = a;
    const float* R B = b;
    float* R O = out;
    const float s = B[0];
    switch (op * 2 + scalar) {
      case 0: for (int64_t i = lo; i < hi; i++) O[i] = A[i] + B[i]; break;
      case 1: for (int64_t i = lo; i < hi; i++) O[i] = A[i] + s; break;
      case 2: for (int64_t i = lo; i < hi; i++) O[i] = A[i] - B[i]; break;
      case 3: for (int64_t i = lo; i < hi; i++) O[i] = A[i] - s; break;
      case 4: for (int64_t i = lo; i < hi; i++) O[i] = A[i] * B[i]; break;
      case 5: for (int64_t i = lo; i < hi; i++) O[i] = A[i] * s; break;
      case 6: for (int64_t i = lo; i < hi; i++) O[i] = A[i] / B[i]; break;
      case 7: for (int64_t i = lo; i < hi; i++) O[i] = A[i] / s; break;
      case 8: for (int64_t i = lo; i < hi; i++) O[i] = A[i] * (B[i] > 0.0f ? 1.0f : 0.0f); break;
    }
  });
}

// unary: op 0 relu, 1 step (x > 0 ? 1 : alpha); NaN stays NaN in both, as in tfjs. params: op, n, alpha, x, out
void unary(const Heap& h, const Params& p) {
  const int64_t op = p.i(0), n = p.i(1);
  if (op < 0 || op > 1) throw std::range_error("tsdl_native.unary: unknown op");
  const float alpha = p.f(2);
  const float* x = h.at(p.i(3), n, "unary x");
  float* out = h.at(p.i(4), n, "unary out");
  each(n, [=](int64_t lo, int64_t hi) {
    const float* R X = x;
    float* R O = out;
    const float al = alpha;
    if (op == 0) {
      for (int64_t i = lo; i < hi; i++) O[i] = X[i] < 0.0f ? 0.0f : X[i];
    } else {
      for (int64_t i = lo; i < hi; i++) {
        const float v = X[i], r = v > 0.0f ? 1.0f : al;
        O[i] = v != v ? v : r;
      }
    }
  });
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
// first largest entry of a one-hot row), else 0.  params: n, C, sparse, predictions, labels, out [n], [float labels]
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
  // Sparse labels are int32, or float32 with params[6] = 1, taken as tfjs casts them (JavaScript's
  // ToInt32: truncated toward 0, NaN as 0, wrapped modulo 2^32).
  const bool float_labels = sparse && p.n > 6 && p.i(6) != 0;
  auto label = [&](int64_t r) -> int64_t {
    if (!float_labels) return reinterpret_cast<const int32_t*>(labels)[r];
    const double f = labels[r];
    if (!std::isfinite(f)) return 0;
    if (std::fabs(f) < 2147483648.0) return (int32_t)f;  // truncates toward 0
    return (int32_t)(uint32_t)(uint64_t)(int64_t)std::fmod(std::trunc(f), 4294967296.0);
  };
  for (int64_t r = 0; r < n; r++) {
    const int64_t want = sparse ? label(r) : argmax(labels + r * C);
    out[r] = argmax(pred + r * C) == want ? 1.0f : 0.0f;
  }
}
