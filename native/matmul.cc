// C = op(A)·op(B), row-major as tfjs stores it, for each entry of a batch (either side may be unbatched):
// oneDNN's matmul primitive, made once per shape and kept. (oneDNN's sgemm() entry point is not used:
// its kernels in 2.6 corrupt the heap when a signal such as the profiler's or a Ctrl-C lands mid-call.)
#include <dnnl.hpp>
#include <cstdlib>
#include <map>
#include <vector>
#include "heap.h"

using namespace dnnl;
using dt = memory::data_type;

namespace {

struct MatMulPlan {
  memory::desc a, b, c;
  matmul prim;
};

engine& cpu() {
  static engine e(engine::kind::cpu, 0);
  return e;
}
stream& queue() {
  static stream s(cpu());
  return s;
}

// A [batch?, m, k] (or its transpose stored [batch?, k, m]) as a strided view.
memory::desc operand(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  const memory::dims dims{batch, rows, cols};
  const memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows} : memory::dims{rows * cols, cols, 1};
  return memory::desc(dims, dt::f32, strides);
}

MatMulPlan& plan(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batchA, int64_t batchB) {
  static std::map<std::vector<int64_t>, MatMulPlan> plans;
  std::vector<int64_t> key{ta, tb, m, n, k, batchA, batchB};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  MatMulPlan p;
  p.a = operand(batchA, m, k, ta);
  p.b = operand(batchB, k, n, tb);
  p.c = memory::desc({std::max(batchA, batchB), m, n}, dt::f32, memory::format_tag::abc);
  p.prim = matmul(matmul::primitive_desc(matmul::desc(p.a, p.b, p.c), cpu()));
  return plans.emplace(std::move(key), std::move(p)).first->second;
}

}  // namespace

// params: transA, transB, m, n, k, aOffset, bOffset, cOffset, batchA, batchB
void sgemm(const Heap& h, const Params& p) {
  const bool ta = p.i(0) != 0, tb = p.i(1) != 0;
  const int64_t m = p.i(2), n = p.i(3), k = p.i(4), batchA = p.i(8), batchB = p.i(9);
  if (m <= 0 || n <= 0 || k <= 0 || batchA <= 0 || batchB <= 0 || (batchA != batchB && batchA != 1 && batchB != 1))
    throw std::range_error("tsdl_native.sgemm: bad shape");
  const int64_t batch = std::max(batchA, batchB);
  float* a = h.at(p.i(5), batchA * m * k, "sgemm A");
  float* b = h.at(p.i(6), batchB * k * n, "sgemm B");
  float* c = h.at(p.i(7), batch * m * n, "sgemm C");
  static const int64_t parallel_min = getenv("TSDL_MT_MIN") ? atoll(getenv("TSDL_MT_MIN")) : (int64_t)1 << 24;
  use_threads(batch * m * n * k >= parallel_min);
  MatMulPlan& pl = plan(ta, tb, m, n, k, batchA, batchB);
  pl.prim.execute(queue(), {{DNNL_ARG_SRC, memory(pl.a, cpu(), a)}, {DNNL_ARG_WEIGHTS, memory(pl.b, cpu(), b)}, {DNNL_ARG_DST, memory(pl.c, cpu(), c)}});
  queue().wait();
}
