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
};
}  // namespace

// params: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, x, y
void max_pool(const Heap& h, const Params& p) {
  const Pool s(p);
  const float* x = h.at(p.i(12), s.N * s.H * s.W * s.C, "maxPool x");
  float* y = h.at(p.i(13), s.N * s.OH * s.OW * s.C, "maxPool y");
  for (int64_t n = 0; n < s.N; n++)
    for (int64_t oh = 0; oh < s.OH; oh++)
      for (int64_t ow = 0; ow < s.OW; ow++) {
        float* yr = y + ((n * s.OH + oh) * s.OW + ow) * s.C;
        for (int64_t c = 0; c < s.C; c++) yr[c] = -FLT_MAX;
        for (int64_t kh = 0; kh < s.KH; kh++) {
          const int64_t ih = oh * s.SH + kh - s.padT;
          if (ih < 0 || ih >= s.H) continue;
          for (int64_t kw = 0; kw < s.KW; kw++) {
            const int64_t iw = ow * s.SW + kw - s.padL;
            if (iw < 0 || iw >= s.W) continue;
            const float* xr = x + ((n * s.H + ih) * s.W + iw) * s.C;
            for (int64_t c = 0; c < s.C; c++) yr[c] = xr[c] > yr[c] ? xr[c] : yr[c];
          }
        }
      }
}

// params: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, x, dy, dx
void max_pool_grad(const Heap& h, const Params& p) {
  const Pool s(p);
  const float* x = h.at(p.i(12), s.N * s.H * s.W * s.C, "maxPoolGrad x");
  const float* dy = h.at(p.i(13), s.N * s.OH * s.OW * s.C, "maxPoolGrad dy");
  float* dx = h.at(p.i(14), s.N * s.H * s.W * s.C, "maxPoolGrad dx");
  std::memset(dx, 0, sizeof(float) * s.N * s.H * s.W * s.C);
  std::vector<float> best(s.C);
  std::vector<int64_t> where(s.C);
  for (int64_t n = 0; n < s.N; n++)
    for (int64_t oh = 0; oh < s.OH; oh++)
      for (int64_t ow = 0; ow < s.OW; ow++) {
        for (int64_t c = 0; c < s.C; c++) best[c] = -FLT_MAX, where[c] = -1;
        for (int64_t kh = 0; kh < s.KH; kh++) {
          const int64_t ih = oh * s.SH + kh - s.padT;
          if (ih < 0 || ih >= s.H) continue;
          for (int64_t kw = 0; kw < s.KW; kw++) {
            const int64_t iw = ow * s.SW + kw - s.padL;
            if (iw < 0 || iw >= s.W) continue;
            const int64_t base = ((n * s.H + ih) * s.W + iw) * s.C;
            for (int64_t c = 0; c < s.C; c++)
              if (x[base + c] > best[c] || where[c] < 0) best[c] = x[base + c], where[c] = base + c;
          }
        }
        const float* dyr = dy + ((n * s.OH + oh) * s.OW + ow) * s.C;
        for (int64_t c = 0; c < s.C; c++)
          if (where[c] >= 0) dx[where[c]] += dyr[c];
      }
}
