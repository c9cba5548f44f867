// Batch normalization in training, forward and gradient, each in one pass pair over channels-last data
// ([rows, C], rows = N·H·W): the statistics are the batch's own (biased variance, as Keras normalizes).
// Sums are kept in double so that large batches match a float32 reference to 1e-5.
#include <cmath>
#include <vector>
#include "heap.h"

// params: rows, C, epsilon, x, gamma (-1: 1), beta (-1: 0), y, mean, variance
void batch_norm_train(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  if (rows <= 0 || C <= 0) throw std::range_error("tsdl_native.batchNormTrain: empty input");
  const float* x = h.at(p.i(3), rows * C, "batchNormTrain x");
  const float* gamma = p.i(4) >= 0 ? h.at(p.i(4), C, "batchNormTrain gamma") : nullptr;
  const float* beta = p.i(5) >= 0 ? h.at(p.i(5), C, "batchNormTrain beta") : nullptr;
  float* y = h.at(p.i(6), rows * C, "batchNormTrain y");
  float* mean = h.at(p.i(7), C, "batchNormTrain mean");
  float* var = h.at(p.i(8), C, "batchNormTrain variance");
  std::vector<double> s(C, 0.0), ss(C, 0.0);
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    for (int64_t c = 0; c < C; c++) s[c] += xr[c];
  }
  std::vector<float> m(C), scale(C), shift(C);
  for (int64_t c = 0; c < C; c++) m[c] = (float)(s[c] / rows);
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    for (int64_t c = 0; c < C; c++) {
      const double d = xr[c] - m[c];
      ss[c] += d * d;
    }
  }
  for (int64_t c = 0; c < C; c++) {
    const double v = ss[c] / rows;
    mean[c] = m[c];
    var[c] = (float)v;
    const double inv = 1.0 / std::sqrt(v + eps);
    scale[c] = (float)(inv * (gamma ? gamma[c] : 1.0f));
    shift[c] = (float)((beta ? beta[c] : 0.0f) - m[c] * inv * (gamma ? gamma[c] : 1.0f));
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (int64_t c = 0; c < C; c++) yr[c] = xr[c] * scale[c] + shift[c];
  }
}

// The gradient of y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta through the batch statistics:
//   xhat = (x - mean) * inv,  dbeta = sum(dy),  dgamma = sum(dy * xhat),
//   dx = gamma * inv / rows * (rows * dy - dbeta - xhat * dgamma)
// params: rows, C, epsilon, x, dy, gamma (-1: 1), mean, variance, dx, dgamma (-1: skip), dbeta (-1: skip)
void batch_norm_grad(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  if (rows <= 0 || C <= 0) throw std::range_error("tsdl_native.batchNormGrad: empty input");
  const float* x = h.at(p.i(3), rows * C, "batchNormGrad x");
  const float* dy = h.at(p.i(4), rows * C, "batchNormGrad dy");
  const float* gamma = p.i(5) >= 0 ? h.at(p.i(5), C, "batchNormGrad gamma") : nullptr;
  const float* mean = h.at(p.i(6), C, "batchNormGrad mean");
  const float* var = h.at(p.i(7), C, "batchNormGrad variance");
  float* dx = h.at(p.i(8), rows * C, "batchNormGrad dx");
  float* dgamma = p.i(9) >= 0 ? h.at(p.i(9), C, "batchNormGrad dgamma") : nullptr;
  float* dbeta = p.i(10) >= 0 ? h.at(p.i(10), C, "batchNormGrad dbeta") : nullptr;
  std::vector<float> inv(C), m(C);
  std::vector<double> sdy(C, 0.0), sdyx(C, 0.0);
  for (int64_t c = 0; c < C; c++) {
    inv[c] = (float)(1.0 / std::sqrt((double)var[c] + eps));
    m[c] = mean[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    const float* dyr = dy + r * C;
    for (int64_t c = 0; c < C; c++) {
      sdy[c] += dyr[c];
      sdyx[c] += (double)dyr[c] * ((xr[c] - m[c]) * inv[c]);
    }
  }
  std::vector<float> a(C), b(C), k(C);
  for (int64_t c = 0; c < C; c++) {
    const float g = gamma ? gamma[c] : 1.0f;
    if (dgamma) dgamma[c] = (float)sdyx[c];
    if (dbeta) dbeta[c] = (float)sdy[c];
    // dx = a * dy - b - k * xhat
    a[c] = g * inv[c];
    b[c] = (float)(g * inv[c] * sdy[c] / rows);
    k[c] = (float)(g * inv[c] * sdyx[c] / rows);
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    const float* dyr = dy + r * C;
    float* dxr = dx + r * C;
    for (int64_t c = 0; c < C; c++) dxr[c] = a[c] * dyr[c] - b[c] - k[c] * ((xr[c] - m[c]) * inv[c]);
  }
}

// Batch normalization in inference: y = (x - mean) / sqrt(variance + eps) * scale + offset, each a
// vector over the last axis. params: rows, C, epsilon, x, mean, variance, offset (-1: 0), scale (-1: 1), y
void batch_norm_infer(const Heap& h, const Params& p) {
  const int64_t rows = p.i(0), C = p.i(1);
  const double eps = p.v[2];
  const float* x = h.at(p.i(3), rows * C, "batchNorm x");
  const float* mean = h.at(p.i(4), C, "batchNorm mean");
  const float* var = h.at(p.i(5), C, "batchNorm variance");
  const float* offset = p.i(6) >= 0 ? h.at(p.i(6), C, "batchNorm offset") : nullptr;
  const float* scale = p.i(7) >= 0 ? h.at(p.i(7), C, "batchNorm scale") : nullptr;
  float* y = h.at(p.i(8), rows * C, "batchNorm y");
  std::vector<float> a(C), b(C);
  for (int64_t c = 0; c < C; c++) {
    a[c] = (float)((scale ? scale[c] : 1.0f) / std::sqrt((double)var[c] + eps));
    b[c] = (offset ? offset[c] : 0.0f) - mean[c] * a[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (int64_t c = 0; c < C; c++) yr[c] = xr[c] * a[c] + b[c];
  }
}
