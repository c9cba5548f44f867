// The pool behind split() (spin_pool.h). Why not OpenMP: tsdl runs OpenMP's threads passive (they sleep
// between regions, so that they never take a core from JavaScript or a JPEG decode), and then each
// region of a 30 µs product waits for a thread to wake; active OpenMP threads spin all the time (and
// throughput of training fell 10%, measured). These threads spin for SPIN after a job, so that
// predict's products, tens of microseconds apart, find them awake, and sleep once work stops coming.
//
// Made inside a kernel call, the threads inherit its mask (asynchronous signals blocked, addon.cc) and
// flush denormals as the kernels do; each runs oneDNN on one thread of its own (OpenMP's count 1 there).
#include "spin_pool.h"
#include <omp.h>
#include <xmmintrin.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <exception>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto SPIN = std::chrono::microseconds(200);

struct Pool {
  std::atomic<unsigned long> generation{0};  // bumped for each job
  std::atomic<int> pending{0};               // pool threads still on the current job
  std::atomic<bool> parked{false};           // sleep now rather than spin
  const std::function<void(int)>* job = nullptr;
  std::exception_ptr error;  // the first a pool thread's part threw, rethrown by split
  int parts = 0;
  int threads = 0;
  std::mutex m;
  std::condition_variable wake;

  // `seen`: the generation when the thread was made, so that it waits for the next job (a thread added
  // to the pool later must not take the generation it was born in for a job of its own).
  void work(int index, unsigned long seen) {
    _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ, DAZ: as every kernel runs (addon.cc)
    omp_set_num_threads(1);
    for (;;) {
      const auto since = Clock::now();
      unsigned spins = 0;
      while (generation.load(std::memory_order_acquire) == seen) {
        _mm_pause();
        if ((++spins & 15) == 0 && (parked.load(std::memory_order_relaxed) || Clock::now() - since > SPIN)) {
          std::unique_lock<std::mutex> lock(m);
          wake.wait(lock, [&] { return generation.load(std::memory_order_acquire) != seen; });
          break;
        }
      }
      seen = generation.load(std::memory_order_acquire);
      if (index < parts) try {
          (*job)(index);
        } catch (...) {
          std::lock_guard<std::mutex> lock(m);
          if (!error) error = std::current_exception();
        }
      pending.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void start(int n) {
    for (; threads < n; threads++) std::thread([this, i = threads + 1, g = generation.load()] { work(i, g); }).detach();
  }
};

// Never destroyed: its threads are detached and last as long as the process.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

void split(int parts, const std::function<void(int)>& f) {
  if (parts <= 1) return f(0);
  Pool& p = pool();
  p.start(parts - 1);
  p.job = &f;
  p.parts = parts;
  p.parked.store(false, std::memory_order_relaxed);
  p.pending.store(p.threads, std::memory_order_relaxed);
  p.generation.fetch_add(1, std::memory_order_acq_rel);
  { std::lock_guard<std::mutex> lock(p.m); }  // a thread between its check and its wait is waiting now
  p.wake.notify_all();
  std::exception_ptr mine;
  try {
    f(0);
  } catch (...) {
    mine = std::current_exception();
  }
  while (p.pending.load(std::memory_order_acquire) > 0) _mm_pause();
  std::exception_ptr theirs;
  std::swap(theirs, p.error);
  if (mine) std::rethrow_exception(mine);
  if (theirs) std::rethrow_exception(theirs);
}

void park_pool() { pool().parked.store(true, std::memory_order_relaxed); }
