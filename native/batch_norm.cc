// Batch normalization in training, forward and gradient, each in one pass pair over channels-last data
// ([rows, C], rows = N·H·W): the statistics are the batch's own (biased variance, as Keras normalizes).
// Sums are kept in double so that large batches match a float32 reference to 1e-5.
//
// Rows are taken k at a time as blocks of W = k·C floats (W a multiple of 8 when C is small), so that
// the inner loops run over W contiguous floats with every channel's factor in a repeating vector: with
// C = 3 (an image batch) a loop over the channels of one row is 3 iterations long and never
// vectorises. Passes over at least PARALLEL_MIN floats split the blocks over the OpenMP threads, each
// with its own sums, added in a fixed order (the result does not depend on timing).
#include <omp.h>
#include <cmath>
#include <numeric>
#include <vector>
#include "heap.h"

#define R __restrict

namespace {

struct Blocks {
  int64_t k, W, count, tail;  // rows per block, floats per block, whole blocks, rows left over
};

Blocks blocks(int64_t rows, int64_t C) {
  int64_t k = 1;
  if (C < 16) {
    k = 8 / std::gcd<int64_t>(C, 8);
    while (k * C < 16) k *= 2;
  }
  return {k, k * C, rows / k, rows % k};
}

// v repeated over a block: out[j] = v[j % C].
std::vector<float> tilef(const std::vector<double>& v, const Blocks& b, int64_t C) {
  std::vector<float> out(b.W);
  for (int64_t j = 0; j < b.W; j++) out[j] = (float)v[j % C];
  return out;
}

int parts_for(int64_t floats, int64_t blocks) {
  const int64_t parts = floats >= PARALLEL_MIN ? std::min<int64_t>(max_threads, blocks) : 1;
  use_threads(parts > 1);
  return (int)std::max<int64_t>(parts, 1);
}

// S per-channel sums at once (out[s·C + c]): f(lo, hi, width, acc) adds blocks [lo, hi), `width`
// floats each, into acc (S·W doubles, sum s at s·W); the tail rows come as one block of tail·C floats.
template <int S, typename F>
std::vector<double> channel_sums(const Blocks& b, int64_t C, int64_t floats, F f) {
  const int parts = parts_for(floats, b.count);
  std::vector<std::vector<double>> acc(parts, std::vector<double>(S * b.W, 0.0));
#pragma omp parallel for schedule(static) if (parts > 1)
  for (int t = 0; t < parts; t++) f(b.count * t / parts, b.count * (t + 1) / parts, b.W, acc[t].data());
  std::vector<double> tail(S * b.W, 0.0);
  if (b.tail) f(b.count, b.count + 1, b.tail * C, tail.data());
  std::vector<double> out(S * C, 0.0);
  for (int s = 0; s < S; s++) {
    for (int t = 0; t < parts; t++)
      for (int64_t j = 0; j < b.W; j++) out[s * C + j % C] += acc[t][s * b.W + j];
    for (int64_t j = 0; j < b.tail * C; j++) out[s * C + j % C] += tail[s * b.W + j];
  }
  return out;
}

// f(block, width) over every whole block (in parallel from PARALLEL_MIN floats), then the tail.
template <typename F>
void each_block(const Blocks& b, int64_t C, int64_t floats, F f) {
  const int parts = parts_for(floats, b.count);
#pragma omp parallel for schedule(static) if (parts > 1)
  for (int t = 0; t < parts; t++)
    for (int64_t i = b.count * t / parts; i < b.count * (t + 1) / parts; i++) f(i, b.W);
  if (b.tail) f(b.count, b.tail * C);
}

}  // namespace

// params: rows, C, epsilon, x, gamma (-1: 1), beta (-1: 0), y, mean, variance[, relu: 1 for y = relu(...)]
void batch_norm_train(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  if (rows <= 0 || C <= 0) throw std::range_error("tsdl_native.batchNormTrain: empty input");
  const int64_t n = rows * C;
  const float* x = h.at(p.i(3), n, "batchNormTrain x");
  const float* gamma = p.i(4) >= 0 ? h.at(p.i(4), C, "batchNormTrain gamma") : nullptr;
  const float* beta = p.i(5) >= 0 ? h.at(p.i(5), C, "batchNormTrain beta") : nullptr;
  float* y = h.at(p.i(6), n, "batchNormTrain y");
  float* mean = h.at(p.i(7), C, "batchNormTrain mean");
  float* var = h.at(p.i(8), C, "batchNormTrain variance");
  const Blocks b = blocks(rows, C);
  const std::vector<double> s = channel_sums<1>(b, C, n, [&](int64_t lo, int64_t hi, int64_t w, double* acc) {
    for (int64_t i = lo; i < hi; i++) {
      const float* xb = x + i * b.W;
      for (int64_t j = 0; j < w; j++) acc[j] += xb[j];
    }
  });
  std::vector<double> m(C);
  for (int64_t c = 0; c < C; c++) m[c] = (float)(s[c] / rows);  // the float mean, as the output holds it
  const std::vector<float> mW = tilef(m, b, C);
  const std::vector<double> ss = channel_sums<1>(b, C, n, [&](int64_t lo, int64_t hi, int64_t w, double* acc) {
    for (int64_t i = lo; i < hi; i++) {
      const float* xb = x + i * b.W;
      for (int64_t j = 0; j < w; j++) {
        const double d = xb[j] - mW[j];
        acc[j] += d * d;
      }
    }
  });
  std::vector<double> scale(C), shift(C);
  for (int64_t c = 0; c < C; c++) {
    const double v = ss[c] / rows;
    mean[c] = (float)m[c];
    var[c] = (float)v;
    const double inv = 1.0 / std::sqrt(v + eps);
    scale[c] = (float)(inv * (gamma ? gamma[c] : 1.0f));
    shift[c] = (float)((beta ? beta[c] : 0.0f) - m[c] * inv * (gamma ? gamma[c] : 1.0f));
  }
  const std::vector<float> aW = tilef(scale, b, C), bW = tilef(shift, b, C);
  const bool relu = p.n > 9 && p.i(9) == 1;
  each_block(b, C, n, [&](int64_t i, int64_t w) {
    const float* xb = x + i * b.W;
    float* yb = y + i * b.W;
    if (relu) {
      for (int64_t j = 0; j < w; j++) {
        const float v = xb[j] * aW[j] + bW[j];
        yb[j] = v < 0.0f ? 0.0f : v;  // NaN stays NaN, as tfjs' relu
      }
    } else {
      for (int64_t j = 0; j < w; j++) yb[j] = xb[j] * aW[j] + bW[j];
    }
  });
}

// The gradient of y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta through the batch statistics:
//   xhat = (x - mean) * inv,  dbeta = sum(dy),  dgamma = sum(dy * xhat),
//   dx = gamma * inv / rows * (rows * dy - dbeta - xhat * dgamma)
// After a relu (y = relu(batch norm), params[11] = y): dy is taken where y > 0 and 0 elsewhere first
// (relu's gradient; a NaN passes none, as TensorFlow's ReluGrad).
// params: rows, C, epsilon, x, dy, gamma (-1: 1), mean, variance, dx, dgamma (-1: skip), dbeta (-1: skip)[, y]
void batch_norm_grad(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  if (rows <= 0 || C <= 0) throw std::range_error("tsdl_native.batchNormGrad: empty input");
  const int64_t n = rows * C;
  const float* x = h.at(p.i(3), n, "batchNormGrad x");
  const float* dy = h.at(p.i(4), n, "batchNormGrad dy");
  std::vector<float> masked;
  if (p.n > 11 && p.i(11) >= 0) {
    const float* R y = h.at(p.i(11), n, "batchNormGrad y");
    const float* R d = dy;
    masked.resize(n);
    float* R md = masked.data();
    for (int64_t i = 0; i < n; i++) md[i] = y[i] > 0.0f ? d[i] : 0.0f;
    dy = md;
  }
  const float* gamma = p.i(5) >= 0 ? h.at(p.i(5), C, "batchNormGrad gamma") : nullptr;
  const float* mean = h.at(p.i(6), C, "batchNormGrad mean");
  const float* var = h.at(p.i(7), C, "batchNormGrad variance");
  float* dx = h.at(p.i(8), n, "batchNormGrad dx");
  float* dgamma = p.i(9) >= 0 ? h.at(p.i(9), C, "batchNormGrad dgamma") : nullptr;
  float* dbeta = p.i(10) >= 0 ? h.at(p.i(10), C, "batchNormGrad dbeta") : nullptr;
  const Blocks b = blocks(rows, C);
  std::vector<double> inv(C), m(C);
  for (int64_t c = 0; c < C; c++) {
    inv[c] = (float)(1.0 / std::sqrt((double)var[c] + eps));
    m[c] = mean[c];
  }
  const std::vector<float> invW = tilef(inv, b, C), mW = tilef(m, b, C);
  // sums[0..C) = Σ dy, sums[C..2C) = Σ dy·xhat
  const std::vector<double> sums = channel_sums<2>(b, C, n, [&](int64_t lo, int64_t hi, int64_t w, double* acc) {
    double* sdy = acc;
    double* sdyx = acc + b.W;
    for (int64_t i = lo; i < hi; i++) {
      const float* xb = x + i * b.W;
      const float* dyb = dy + i * b.W;
      for (int64_t j = 0; j < w; j++) {
        sdy[j] += dyb[j];
        sdyx[j] += (double)dyb[j] * ((xb[j] - mW[j]) * invW[j]);
      }
    }
  });
  std::vector<double> a(C), bb(C), k(C);
  for (int64_t c = 0; c < C; c++) {
    const float g = gamma ? gamma[c] : 1.0f;
    const double sdy = sums[c], sdyx = sums[C + c];
    if (dgamma) dgamma[c] = (float)sdyx;
    if (dbeta) dbeta[c] = (float)sdy;
    // dx = a * dy - b - k * xhat
    a[c] = (float)(g * (float)inv[c]);
    bb[c] = (float)(g * (float)inv[c] * sdy / rows);
    k[c] = (float)(g * (float)inv[c] * sdyx / rows);
  }
  const std::vector<float> aW = tilef(a, b, C), bW = tilef(bb, b, C), kW = tilef(k, b, C);
  each_block(b, C, n, [&](int64_t i, int64_t w) {
    const float* xb = x + i * b.W;
    const float* dyb = dy + i * b.W;
    float* dxb = dx + i * b.W;
    for (int64_t j = 0; j < w; j++) dxb[j] = aW[j] * dyb[j] - bW[j] - kW[j] * ((xb[j] - mW[j]) * invW[j]);
  });
}

// Batch normalization in inference: y = (x - mean) / sqrt(variance + eps) * scale + offset, each a
// vector over the last axis. params: rows, C, epsilon, x, mean, variance, offset (-1: 0), scale (-1: 1), y
void batch_norm_infer(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  const int64_t n = rows * C;
  const float* x = h.at(p.i(3), n, "batchNorm x");
  const float* mean = h.at(p.i(4), C, "batchNorm mean");
  const float* var = h.at(p.i(5), C, "batchNorm variance");
  const float* offset = p.i(6) >= 0 ? h.at(p.i(6), C, "batchNorm offset") : nullptr;
  const float* scale = p.i(7) >= 0 ? h.at(p.i(7), C, "batchNorm scale") : nullptr;
  float* y = h.at(p.i(8), n, "batchNorm y");
  if (rows <= 0 || C <= 0) return;
  const Blocks b = blocks(rows, C);
  std::vector<double> a(C), sh(C);
  for (int64_t c = 0; c < C; c++) {
    const float ac = (float)((scale ? scale[c] : 1.0f) / std::sqrt((double)var[c] + eps));
    a[c] = ac;
    sh[c] = (offset ? offset[c] : 0.0f) - mean[c] * ac;
  }
  const std::vector<float> aW = tilef(a, b, C), bW = tilef(sh, b, C);
  each_block(b, C, n, [&](int64_t i, int64_t w) {
    const float* xb = x + i * b.W;
    float* yb = y + i * b.W;
    for (int64_t j = 0; j < w; j++) yb[j] = xb[j] * aW[j] + bW[j];
  });
}
