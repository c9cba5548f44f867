// tsdl's optional native kernels: oneDNN (the kernel library PyTorch and TensorFlow use on CPU) and a
// few hand-written loops, run directly on the WebAssembly backend's heap so that tfjs tensors are
// computed with AVX-512 and every core, without copies. Built by scripts/build-native.mjs when Debian's
// libdnnl-dev is there; tsdl works without it.
//
// Every kernel is called as f(heap: ArrayBuffer, params: Float64Array); see heap.h.
#include <node_api.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <xmmintrin.h>
#include <dnnl.hpp>
#include <cstdio>
#include <exception>
#include "heap.h"
#include "spin_pool.h"

namespace {

typedef void (*Kernel)(const Heap&, const Params&);

// Asynchronous signals wait while a kernel runs. A signal landing inside oneDNN's gemm (the CPU
// profiler's SIGPROF every few hundred microseconds, a Ctrl-C or Jupyter's interrupt, which is SIGINT)
// corrupted the C heap: glibc aborted in a free() inside dnnl_primitive_execute ("corrupted size vs.
// prev_size"), within seconds (test/backend/native_signals.test.ts). The likely cause is JIT code
// using the stack below the part the kernel spares when it runs a signal handler there. Blocked,
// a signal is delivered when the kernel returns (milliseconds; a large convolution, tens). OpenMP's threads are
// started inside a kernel, so they inherit the mask and never take a process signal themselves.
// (Faults the kernel itself raises, SIGSEGV and the like, are not blocked.)
struct SignalsHeld {
  sigset_t before;
  SignalsHeld() {
    sigset_t all;
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT}) sigdelset(&all, s);
    pthread_sigmask(SIG_BLOCK, &all, &before);
  }
  ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &before, nullptr); }
};

// Denormal floats (below 1.2e-38) are flushed to zero while a kernel runs, as TensorFlow does for every
// op (its ScopedFlushDenormal) and so as Keras computes: on Intel cores an arithmetic instruction
// that meets or makes one takes a microcode assist of about a hundred cycles. Training piles them up:
// Adam's first moment of a weight whose gradient is 0 (a dead ReLU's) shrinks by beta1 every step
// through the denormal range, and seed 004's MLP trained at half speed after 2,000 steps (1.2 -> 2.1 ms
// a step). MXCSR is per thread: the caller's (JavaScript's and WebAssembly's, which must keep IEEE
// denormals) is put back on return; OpenMP's threads are started inside a kernel and inherit the
// flushing mode with the rest of the floating-point environment.
struct DenormalsFlushed {
  unsigned int before;
  DenormalsFlushed() : before(_mm_getcsr()) { _mm_setcsr(before | 0x8040); }  // FTZ (bit 15), DAZ (bit 6)
  ~DenormalsFlushed() { _mm_setcsr(before); }
};

template <Kernel K>
napi_value call(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 2) {
    napi_throw_type_error(env, nullptr, "tsdl_native: expected (heap: ArrayBuffer, params: Float64Array)");
    return nullptr;
  }
  void* data = nullptr;
  size_t bytes = 0;
  napi_typedarray_type type;
  size_t length = 0;
  void* pdata = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &pdata, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    napi_throw_type_error(env, nullptr, "tsdl_native: expected (heap: ArrayBuffer, params: Float64Array)");
    return nullptr;
  }
  try {
    SignalsHeld held;
    DenormalsFlushed flushed;
    K(Heap{static_cast<float*>(data), static_cast<int64_t>(bytes / sizeof(float))}, Params{static_cast<const double*>(pdata), length});
  } catch (const dnnl::error& e) {
    napi_throw_error(env, nullptr, (std::string("tsdl_native: oneDNN: ") + e.what()).c_str());
  } catch (const std::range_error& e) {
    napi_throw_range_error(env, nullptr, e.what());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

napi_value version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  char text[64];
  snprintf(text, sizeof text, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
  napi_value out;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

int current_threads = -1;

}  // namespace

napi_value decode_jpeg(napi_env env, napi_callback_info info);  // jpeg.cc

namespace {

// threads(n?): sets the most threads a kernel may use; returns it.
napi_value threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc == 1 && napi_get_value_int32(env, argv[0], &n) == napi_ok && n > 0) max_threads = n, current_threads = -1;
  napi_value out;
  napi_create_int32(env, max_threads, &out);
  return out;
}

void add(napi_env env, napi_value exports, const char* name, napi_callback f) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, f, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

}  // namespace

// The most threads a kernel may use: OMP_NUM_THREADS, or every core (OpenMP's default).
int max_threads = omp_get_max_threads();

// oneDNN reads OpenMP's thread count at each call. Convolutions split well over every core; the
// products of a batch of 32 are faster on one thread than paying OpenMP's wake-ups (measured).
void use_threads(bool all) {
  const int n = all ? max_threads : 1;
  if (all) park_pool();  // its spinning threads would take OpenMP's cores
  if (n != current_threads) omp_set_num_threads(current_threads = n);
}

NAPI_MODULE_INIT() {
  add(env, exports, "version", version);
  add(env, exports, "threads", threads);
  add(env, exports, "sgemm", call<sgemm>);
  add(env, exports, "conv2d", call<conv2d>);
  add(env, exports, "depthwiseConv2d", call<depthwise_conv2d>);
  add(env, exports, "batchNormTrain", call<batch_norm_train>);
  add(env, exports, "batchNormGrad", call<batch_norm_grad>);
  add(env, exports, "batchNormInfer", call<batch_norm_infer>);
  add(env, exports, "maxPool", call<max_pool>);
  add(env, exports, "maxPoolGrad", call<max_pool_grad>);
  add(env, exports, "sgdUpdate", call<sgd_update>);
  add(env, exports, "adamUpdate", call<adam_update>);
  add(env, exports, "lerpInto", call<lerp_into>);
  add(env, exports, "dropout", call<dropout>);
  add(env, exports, "sumRows", call<sum_rows>);
  add(env, exports, "binary", call<binary>);
  add(env, exports, "unary", call<unary>);
  add(env, exports, "crossEntropy", call<cross_entropy>);
  add(env, exports, "crossEntropyGrad", call<cross_entropy_grad>);
  add(env, exports, "accuracy", call<accuracy>);
#ifdef TSDL_JPEG
  add(env, exports, "decodeJpeg", decode_jpeg);  // with Debian's libjpeg62-turbo-dev
#endif
  return exports;
}
