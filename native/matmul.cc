// C = op(A)·op(B), row-major as tfjs stores it, for each entry of a batch (either side may be unbatched):
// oneDNN's matmul primitive, made once per shape and kept. (oneDNN's sgemm() entry point is not used:
// its kernels in 2.6 corrupt the heap when a signal such as the profiler's or a Ctrl-C lands mid-call.)
#include <dnnl.hpp>
#include <map>
#include <vector>
#include "heap.h"
#include "onednn.h"

using namespace dnnl;
using dt = memory::data_type;

namespace {

struct MatMulPlan {
  memory::desc a, b, c, bias;
  matmul prim;
};

// A [batch?, m, k] (or its transpose stored [batch?, k, m]) as a strided view.
memory::desc operand(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  const memory::dims dims{batch, rows, cols};
  const memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows} : memory::dims{rows * cols, cols, 1};
  return memory::desc(dims, dt::f32, strides);
}

MatMulPlan& plan(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batchA, int64_t batchB, bool bias, bool relu) {
  static std::map<std::vector<int64_t>, MatMulPlan> plans;
  std::vector<int64_t> key{ta, tb, m, n, k, batchA, batchB, bias, relu};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  MatMulPlan p;
  p.a = operand(batchA, m, k, ta);
  p.b = operand(batchB, k, n, tb);
  p.c = memory::desc({std::max(batchA, batchB), m, n}, dt::f32, memory::format_tag::abc);
  p.bias = memory::desc({1, 1, n}, dt::f32, memory::format_tag::abc);
  primitive_attr attr;
  if (relu) {
    post_ops ops;
    ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  auto d = bias ? matmul::desc(p.a, p.b, p.bias, p.c) : matmul::desc(p.a, p.b, p.c);
  p.prim = matmul(matmul::primitive_desc(d, attr, cpu()));
  return plans.emplace(std::move(key), std::move(p)).first->second;
}

}  // namespace

// Dense's forward pass adds a bias row and applies relu in the same primitive.
// params: transA, transB, m, n, k, aOffset, bOffset, cOffset, batchA, batchB, biasOffset (-1: none), relu
void sgemm(const Heap& h, const Params& p) {
  const bool ta = p.i(0) != 0, tb = p.i(1) != 0;
  const int64_t m = p.i(2), n = p.i(3), k = p.i(4), batchA = p.i(8), batchB = p.i(9);
  if (m <= 0 || n <= 0 || k <= 0 || batchA <= 0 || batchB <= 0 || (batchA != batchB && batchA != 1 && batchB != 1))
    throw std::range_error("tsdl_native.sgemm: bad shape");
  const int64_t batch = std::max(batchA, batchB);
  float* a = h.at(p.i(5), batchA * m * k, "sgemm A");
  float* b = h.at(p.i(6), batchB * k * n, "sgemm B");
  float* c = h.at(p.i(7), batch * m * n, "sgemm C");
  use_threads(batch * m * n * k >= (int64_t)1 << 24);
  const bool relu = p.i(11) != 0;
  float* bias = p.i(10) >= 0 ? h.at(p.i(10), n, "sgemm bias") : nullptr;
  MatMulPlan& pl = plan(ta, tb, m, n, k, batchA, batchB, bias != nullptr, relu);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(pl.a, cpu(), a)}, {DNNL_ARG_WEIGHTS, memory(pl.b, cpu(), b)}, {DNNL_ARG_DST, memory(pl.c, cpu(), c)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(pl.bias, cpu(), bias));
  pl.prim.execute(queue(), args);
  queue().wait();
}
