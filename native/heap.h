// Shared by tsdl's native kernels: every tensor lives in the WebAssembly backend's heap (one
// ArrayBuffer); a kernel gets the heap and offsets into it, counted in floats.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

struct Heap {
  float* base;
  int64_t floats;
  // A view of `count` floats at `offset`, checked to lie inside the heap.
  float* at(int64_t offset, int64_t count, const char* what) const {
    if (offset < 0 || count < 0 || offset + count > floats) {
      throw std::range_error(std::string(what) + ": operand outside the wasm heap (offset " + std::to_string(offset) +
                             ", " + std::to_string(count) + " floats, heap " + std::to_string(floats) + ")");
    }
    return base + offset;
  }
};

// Parameters of a call, read from a Float64Array (offsets and sizes are exact below 2^53).
struct Params {
  const double* v;
  size_t n;
  int64_t i(size_t k) const { return k < n ? (int64_t)v[k] : throw std::range_error("tsdl_native: too few parameters"); }
  float f(size_t k) const { return k < n ? (float)v[k] : throw std::range_error("tsdl_native: too few parameters"); }
};

void conv2d(const Heap& h, const Params& p);
void depthwise_conv2d(const Heap& h, const Params& p);
void batch_norm_train(const Heap& h, const Params& p);
void batch_norm_grad(const Heap& h, const Params& p);
void batch_norm_infer(const Heap& h, const Params& p);
void max_pool(const Heap& h, const Params& p);
void max_pool_grad(const Heap& h, const Params& p);
void sgd_update(const Heap& h, const Params& p);
void adam_update(const Heap& h, const Params& p);
void lerp_into(const Heap& h, const Params& p);
void sgemm(const Heap& h, const Params& p);
void dropout(const Heap& h, const Params& p);
void sum_rows(const Heap& h, const Params& p);
void binary(const Heap& h, const Params& p);
void unary(const Heap& h, const Params& p);
void cross_entropy(const Heap& h, const Params& p);
void cross_entropy_grad(const Heap& h, const Params& p);
void accuracy(const Heap& h, const Params& p);
// Elementwise passes over at least this many floats split across the OpenMP threads (they are bound
// by memory bandwidth, which one core does not saturate). From 2^19 rather than 2^20: seed 002's CNN
// trains 925 -> 1,000 samples/s (its first two convolutions' outputs, 921,600 floats a batch, go
// through relu's gradient, dropout and batch norm); from 2^17, seed 003's SGD updates were slower.
constexpr int64_t PARALLEL_MIN = 1 << 19;

// OpenMP threads for oneDNN: all of them for convolutions, one for small products (see addon.cc).
void use_threads(bool all);

extern int max_threads;

// f(lo, hi) over [0, n), split into one range per thread from PARALLEL_MIN elements on. f loops over
// its range itself, so that the compiler vectorises a plain loop (GCC turns a lambda called per index
// inside `omp simd` into gathers and scatters, 10x slower).
template <typename F>
inline void each(int64_t n, F f) {
  const int64_t parts = n >= PARALLEL_MIN ? max_threads : 1;
  use_threads(parts > 1);
#pragma omp parallel for schedule(static) if (parts > 1)
  for (int64_t t = 0; t < parts; t++) f(n * t / parts, n * (t + 1) / parts);
}
