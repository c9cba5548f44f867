// Max pooling on NHWC data and its gradient. The gradient routes each output's gradient to the first
// maximum of its window in row-major order (what tfjs' reference backend does); padded cells never win.
#include <cfloat>
#include <cstring>
#include <vector>
#include "heap.h"

namespace {
struct Pool {
  int64_t N, H, W, C, OH, OW, KH, KW, SH, SW, padT, padL;
  explicit Pool(const Params& p)
      : N(p.i(0)), H(p.i(1)), W(p.i(2)), C(p.i(3)), OH(p.i(4)), OW(p.i(5)), KH(p.i(6)), KW(p.i(7)), SH(p.i(8)), SW(p.i(9)), padT(p.i(10)), padL(p.i(11)) {
    if (N <= 0 || H <= 0 || W <= 0 || C <= 0 || OH <= 0 || OW <= 0 || KH <= 0 || KW <= 0 || SH <= 0 || SW <= 0)
      throw std::range_error("tsdl_native.maxPool: bad shape");
  }
  // f(cell, at) for each cell (kh * KW + kw) of output (n, oh, ow)'s window that lies in the input,
  // in row-major order; `at` is where that input pixel's channels start.
  template <class F>
  void window(int64_t n, int64_t oh, int64_t ow, F&& f) const {
    for (int64_t kh = 0; kh < KH; kh++) {
      const int64_t ih = oh * SH + kh - padT;
      if (ih < 0 || ih >= H) continue;
      for (int64_t kw = 0; kw < KW; kw++) {
        const int64_t iw = ow * SW + kw - padL;
        if (iw < 0 || iw >= W) continue;
        f((int32_t)(kh * KW + kw), ((n * H + ih) * W + iw) * C);
      }
    }
  }
};
}  // namespace

// params: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, x, y
void max_pool(const Heap& h, const Params& p) {
  const Pool s(p);
  const float* x = h.at(p.i(12), s.N * s.H * s.W * s.C, "maxPool x");
  float* y = h.at(p.i(13), s.N * s.OH * s.OW * s.C, "maxPool y");
  // Output rows split over the threads from PARALLEL_MIN input floats (a 16x16 pooling of a
  // [10, 223, 223, 100] convolution reads 200 MB).
  const bool parallel = s.N * s.H * s.W * s.C >= PARALLEL_MIN;
  use_threads(parallel);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t row = 0; row < s.N * s.OH; row++) {
    const int64_t n = row / s.OH, oh = row % s.OH;
    {
      for (int64_t ow = 0; ow < s.OW; ow++) {
        float* yr = y + ((n * s.OH + oh) * s.OW + ow) * s.C;
        for (int64_t c = 0; c < s.C; c++) yr[c] = -FLT_MAX;
        s.window(n, oh, ow, [&](int32_t, int64_t at) {
          const float* xr = x + at;
          for (int64_t c = 0; c < s.C; c++) yr[c] = xr[c] > yr[c] ? xr[c] : yr[c];
        });
      }
    }
  }
}

// params: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, x, dy, dx
// Windows that tile the input (stride = size, no padding, the usual 2x2 pooling) write each cell of dx
// once; otherwise dx is cleared and gradients are added (windows may overlap).
void max_pool_grad(const Heap& h, const Params& p) {
  const Pool s(p);
  const float* x = h.at(p.i(12), s.N * s.H * s.W * s.C, "maxPoolGrad x");
  const float* dy = h.at(p.i(13), s.N * s.OH * s.OW * s.C, "maxPoolGrad dy");
  float* dx = h.at(p.i(14), s.N * s.H * s.W * s.C, "maxPoolGrad dx");
  // Windows side by side (stride = size, no padding) write each covered cell of dx once; only the
  // rows and columns past the last window (223 = 13 x 16 + 15) are cleared. Otherwise dx is cleared
  // and gradients are added (windows may overlap).
  const bool tiles = s.SH == s.KH && s.SW == s.KW && s.padT == 0 && s.padL == 0 && s.OH * s.KH <= s.H && s.OW * s.KW <= s.W;
  const int64_t C = s.C;
  if (!tiles) {
    std::memset(dx, 0, sizeof(float) * s.N * s.H * s.W * s.C);
  } else if (s.OH * s.KH < s.H || s.OW * s.KW < s.W) {
    const int64_t coveredH = s.OH * s.KH, coveredW = s.OW * s.KW;
    for (int64_t n = 0; n < s.N; n++)
      for (int64_t ih = 0; ih < s.H; ih++) {
        float* r = dx + (n * s.H + ih) * s.W * C;
        if (ih >= coveredH) std::memset(r, 0, sizeof(float) * s.W * C);
        else if (coveredW < s.W) std::memset(r + coveredW * C, 0, sizeof(float) * (s.W - coveredW) * C);
      }
  }
  use_threads(s.N * s.H * s.W * C >= PARALLEL_MIN);
#pragma omp parallel for schedule(static) if (s.N * s.H * s.W * C >= PARALLEL_MIN)  // images write apart
  for (int64_t n = 0; n < s.N; n++) {
    std::vector<float> best(C);
    std::vector<int32_t> where(C);  // the window cell (kh * KW + kw) holding each channel's maximum
    for (int64_t oh = 0; oh < s.OH; oh++)
      for (int64_t ow = 0; ow < s.OW; ow++) {
        bool first = true;
        float* b = best.data();
        int32_t* w = where.data();
        s.window(n, oh, ow, [&](int32_t cell, int64_t at) {
          const float* xr = x + at;
          if (first) {
            for (int64_t c = 0; c < C; c++) b[c] = xr[c], w[c] = cell;
            first = false;
          } else {
            for (int64_t c = 0; c < C; c++) {
              const bool gt = xr[c] > b[c];
              b[c] = gt ? xr[c] : b[c];
              w[c] = gt ? cell : w[c];
            }
          }
        });
        if (first) continue;  // a window entirely in the padding
        const float* dyr = dy + ((n * s.OH + oh) * s.OW + ow) * C;
        s.window(n, oh, ow, [&](int32_t cell, int64_t at) {
          float* dxr = dx + at;
          if (tiles)
            for (int64_t c = 0; c < C; c++) dxr[c] = w[c] == cell ? dyr[c] : 0.0f;
          else
            for (int64_t c = 0; c < C; c++) dxr[c] += w[c] == cell ? dyr[c] : 0.0f;
        });
      }
  }
}
