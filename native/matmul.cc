// C = op(A)·op(B), row-major as tfjs stores it, for each entry of a batch (either side may be unbatched):
// oneDNN's matmul primitive, made once per shape and kept. (Its gemm kernels, like those behind
// oneDNN's sgemm(), corrupt the heap when a signal lands mid-call: addon.cc holds signals during every
// kernel.)
#include <dnnl.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <vector>
#include "heap.h"
#include "onednn.h"
#include "spin_pool.h"

using namespace dnnl;
using dt = memory::data_type;

namespace {

struct MatMulPlan {
  memory::desc a, b, c, bias;
  matmul prim;
  memory::desc scratch_md;
  std::vector<char> scratch;  // the primitive's scratchpad, allocated once with the plan
};

// A [batch?, m, k] (or its transpose stored [batch?, k, m]) as a strided view.
memory::desc operand(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  const memory::dims dims{batch, rows, cols};
  const memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows} : memory::dims{rows * cols, cols, 1};
  return memory::desc(dims, dt::f32, strides);
}

// The plan of a product, or of one part of a split one (part > 0: each part has a primitive and a
// scratchpad of its own, as the parts run at once).
MatMulPlan& plan(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batchA, int64_t batchB, bool bias, bool relu, int64_t part = 0) {
  static std::map<std::vector<int64_t>, MatMulPlan> plans;
  std::vector<int64_t> key{ta, tb, m, n, k, batchA, batchB, bias, relu, part};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  MatMulPlan p;
  p.a = operand(batchA, m, k, ta);
  p.b = operand(batchB, k, n, tb);
  p.c = memory::desc({std::max(batchA, batchB), m, n}, dt::f32, memory::format_tag::abc);
  p.bias = memory::desc({1, 1, n}, dt::f32, memory::format_tag::abc);
  primitive_attr attr;
  // A scratchpad of our own, made once: oneDNN's own is allocated and freed inside each call.
  attr.set_scratchpad_mode(scratchpad_mode::user);
  if (relu) {
    post_ops ops;
    ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  auto d = bias ? matmul::desc(p.a, p.b, p.bias, p.c) : matmul::desc(p.a, p.b, p.c);
  const auto pd = matmul::primitive_desc(d, attr, cpu());
  p.scratch_md = pd.scratchpad_desc();
  p.scratch.resize(std::max<size_t>(p.scratch_md.get_size(), 64));
  p.prim = matmul(pd);
  return plans.emplace(std::move(key), std::move(p)).first->second;
}


// xᵀ·dy with at most 4 columns and a short contraction (Dense(2)'s weight gradient on a wide input:
// [10, 150528]ᵀ·[10, 2]) is bound by memory, and oneDNN's gemm packs for it what it never reuses: a
// direct loop along the long side, one row of x at a time, instead (1.4 vs 2.1 ms; x·W and dy·Wᵀ
// stay with oneDNN, faster there).
template <int N>
void narrow_transposed(const float* a, const float* b, float* c, int64_t m, int64_t k, bool tb, bool parallel) {
  // C[i, j] = Σ A[kk, i] B(kk, j), A stored [k, m]: along i, one row of A at a time
  constexpr int64_t CHUNK = 2048;
  const int64_t chunks = (m + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t ch = 0; ch < chunks; ch++) {
    const int64_t lo = ch * CHUNK, hi = std::min(m, lo + CHUNK);
    float* cc = c + lo * N;
    for (int64_t x = 0; x < (hi - lo) * N; x++) cc[x] = 0;
    for (int64_t kk = 0; kk < k; kk++) {
      const float* ar = a + kk * m;
      float bv[N];
      for (int j = 0; j < N; j++) bv[j] = tb ? b[j * k + kk] : b[kk * N + j];
#pragma omp simd
      for (int64_t i = lo; i < hi; i++)
        for (int j = 0; j < N; j++) cc[(i - lo) * N + j] += ar[i] * bv[j];
    }
  }
}

// One product of the batch by a direct loop, if it is skinny; false otherwise.
bool skinny(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c) {
  if (!(ta && n <= 4 && k <= 64)) return false;
  const bool parallel = m * n * k >= ((int64_t)1 << 20);
  use_threads(parallel);
  switch (n) {
    case 1: narrow_transposed<1>(a, b, c, m, k, tb, parallel); break;
    case 2: narrow_transposed<2>(a, b, c, m, k, tb, parallel); break;
    case 3: narrow_transposed<3>(a, b, c, m, k, tb, parallel); break;
    default: narrow_transposed<4>(a, b, c, m, k, tb, parallel); break;
  }
  return true;
}

void execute(MatMulPlan& pl, float* a, float* b, float* c, float* bias) {
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(pl.a, cpu(), a)}, {DNNL_ARG_WEIGHTS, memory(pl.b, cpu(), b)}, {DNNL_ARG_DST, memory(pl.c, cpu(), c)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(pl.bias, cpu(), bias));
  args.emplace(DNNL_ARG_SCRATCHPAD, memory(pl.scratch_md, cpu(), pl.scratch.data()));
  pl.prim.execute(queue(), args);
  queue().wait();
}

// Products of inference (predict's, which ask for it) from SPLIT_MIN multiply-adds up to where OpenMP's
// threads take over: A's rows (the samples) in blocks, one a core, on spin_pool.h's threads, each block
// times all of B (the weights, which stay in every core's cache from batch to batch; split by B's
// columns instead, each core had to fetch the whole new batch from the other's cache, and seed 004's
// first layer got slower). Seed 003's 32 x 784 x 300: 150 -> 100 µs a batch inside predict; OpenMP's
// sleeping threads gained nothing there (a wake-up a call), and spinning ones cost training 10%
// (measured). Training's products stay on one core: their weights change every step.
//
// Whether a split pays depends on the machine: on one VM whose two vCPUs fetch each other's cache
// lines slowly, seed 004's 32 x 784 x 128 took 120 µs on one core and 200 split, as the batch predict
// had just sliced sat in the first core's cache. So each shape decides by measuring its own calls:
// after a first call of each way (which builds the plan), TRIALS calls alternate split and unsplit,
// and the split stays only if its median is at least 10% faster; until then it runs on one core.
constexpr int64_t SPLIT_MIN = (int64_t)1 << 20;
constexpr int64_t THREADS_MIN = (int64_t)1 << 24;
constexpr int TRIALS = 16;
constexpr int STALE = 256;

struct SplitChoice {
  int calls = 0;
  int decided = -1;  // -1 measuring, 0 one core, 1 split
  std::vector<double> split_us, single_us;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

SplitChoice& split_choice(bool tb, int64_t m, int64_t n, int64_t k, bool bias, bool relu) {
  static std::map<std::vector<int64_t>, SplitChoice> choices;
  return choices[{tb, m, n, k, bias, relu}];
}

void run_split(int parts, bool tb, int64_t m, int64_t n, int64_t k, float* a, float* b, float* c, float* bias, bool relu) {
  std::vector<int64_t> lo(parts + 1, m);
  for (int i = 0; i < parts; i++) lo[i] = m * i / parts;
  std::vector<MatMulPlan*> plans;
  for (int i = 0; i < parts; i++) plans.push_back(&plan(false, tb, lo[i + 1] - lo[i], n, k, 1, 1, bias != nullptr, relu, i + 1));
  use_threads(false);
  split(parts, [&](int i) { execute(*plans[i], a + lo[i] * k, b, c + lo[i] * n, bias); });
}

void run_single(bool tb, int64_t m, int64_t n, int64_t k, float* a, float* b, float* c, float* bias, bool relu) {
  use_threads(false);
  execute(plan(false, tb, m, n, k, 1, 1, bias != nullptr, relu), a, b, c, bias);
}

// False where the product is not one to split; otherwise computes it, split or not as measured.
bool split_product(bool tb, int64_t m, int64_t n, int64_t k, float* a, float* b, float* c, float* bias, bool relu) {
  const int64_t macs = m * n * k;
  const int parts = (int)std::min<int64_t>(max_threads, m / 8);
  if (macs < SPLIT_MIN || macs >= THREADS_MIN || parts < 2) return false;
  SplitChoice& ch = split_choice(tb, m, n, k, bias != nullptr, relu);
  if (ch.decided >= 0) {
    ch.decided ? run_split(parts, tb, m, n, k, a, b, c, bias, relu) : run_single(tb, m, n, k, a, b, c, bias, relu);
    return true;
  }
  // One shape measures at a time, the others running on one core meanwhile: so that each measures
  // beside the choices of the layers before it, not beside their trials (a split layer leaves half its
  // output in the other core's cache, where the next layer's split finds it). A shape not called for
  // STALE products of others loses its turn, and starts again when it next gets one.
  static SplitChoice* measuring = nullptr;
  static int since_owner = 0;
  if (measuring != &ch && measuring != nullptr && ++since_owner < STALE) {
    run_single(tb, m, n, k, a, b, c, bias, relu);
    return true;
  }
  if (measuring != &ch) {
    measuring = &ch;
    ch.calls = 0;
    ch.split_us.clear();
    ch.single_us.clear();
  }
  since_owner = 0;
  const bool splitting = ch.calls % 2 == 0;
  const auto t0 = std::chrono::steady_clock::now();
  splitting ? run_split(parts, tb, m, n, k, a, b, c, bias, relu) : run_single(tb, m, n, k, a, b, c, bias, relu);
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  if (ch.calls++ >= 2) (splitting ? ch.split_us : ch.single_us).push_back(us);
  if (ch.calls == TRIALS + 2) {
    ch.decided = median(ch.split_us) < 0.9 * median(ch.single_us);
    measuring = nullptr;
  }
  return true;
}

// C = op(A)·op(B) (+ bias row, relu) the way its shape runs fastest: a direct loop for a skinny
// transposed product, the split over the cores for an inference product that measured faster so, else
// one oneDNN primitive (on every thread from THREADS_MIN multiply-adds).
void compute(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batchA, int64_t batchB, float* a, float* b, float* c, float* bias, bool relu, bool may_split) {
  const int64_t batch = std::max(batchA, batchB);
  if (ta && n <= 4 && k <= 64 && m * n * k >= 4096) {
    bool done = true;
    for (int64_t e = 0; e < batch && done; e++)
      done = skinny(ta, tb, m, n, k, a + (batchA > 1 ? e : 0) * m * k, b + (batchB > 1 ? e : 0) * k * n, c + e * m * n);
    if (done) {
      if (bias || relu)
        for (int64_t r = 0; r < batch * m; r++)
          for (int64_t j = 0; j < n; j++) {
            float v = c[r * n + j] + (bias ? bias[j] : 0.0f);
            c[r * n + j] = relu && v < 0 ? 0.0f : v;
          }
      return;
    }
  }
  if (may_split && batch == 1 && !ta && split_product(tb, m, n, k, a, b, c, bias, relu)) return;
  // Threads for a large product, and for a long thin one (seed 000's logistic model: x·W, [10, 150528]·[150528, 2]),
  // which is bound by reading its operands.
  use_threads(batch * m * n * k >= THREADS_MIN || batchA * m * k + batchB * k * n >= (int64_t)1 << 20);
  execute(plan(ta, tb, m, n, k, batchA, batchB, bias != nullptr, relu), a, b, c, bias);
}

// Each of `rows` rows of `c` (`n` wide) replaced by its softmax: exp(x - max) / sum.
void softmax_rows(float* c, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; r++) {
    float* x = c + r * n;
    float top = x[0];
    for (int64_t j = 1; j < n; j++) top = std::max(top, x[j]);
    float sum = 0;
    for (int64_t j = 0; j < n; j++) sum += (x[j] = std::exp(x[j] - top));
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < n; j++) x[j] *= inv;
  }
}

}  // namespace

// Dense's forward pass adds a bias row and applies relu in the same primitive; an inference product may
// end in a softmax over each row (predict's last Dense), applied here rather than by one more op.
// params: transA, transB, m, n, k, aOffset, bOffset, cOffset, batchA, batchB, biasOffset (-1: none),
// activation (0 linear, 1 relu, 2 softmax over the last axis), [split: 1 for an inference product that
// may use the other cores (split_product)]
void sgemm(const Heap& h, const Params& p) {
  const bool ta = p.i(0) != 0, tb = p.i(1) != 0;
  const int64_t m = p.i(2), n = p.i(3), k = p.i(4), batchA = p.i(8), batchB = p.i(9);
  if (m <= 0 || n <= 0 || k <= 0 || batchA <= 0 || batchB <= 0 || (batchA != batchB && batchA != 1 && batchB != 1))
    throw std::range_error("tsdl_native.sgemm: bad shape");
  const int64_t batch = std::max(batchA, batchB);
  float* a = h.at(p.i(5), batchA * m * k, "sgemm A");
  float* b = h.at(p.i(6), batchB * k * n, "sgemm B");
  float* c = h.at(p.i(7), batch * m * n, "sgemm C");
  const int activation = (int)p.i(11);
  if (activation < 0 || activation > 2) throw std::range_error("tsdl_native.sgemm: bad activation");
  const bool relu = activation == 1;
  float* bias = p.i(10) >= 0 ? h.at(p.i(10), n, "sgemm bias") : nullptr;
  compute(ta, tb, m, n, k, batchA, batchB, a, b, c, bias, relu, p.n > 12 && p.i(12) != 0);
  if (activation == 2) softmax_rows(c, batch * m, n);
}
