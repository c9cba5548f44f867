// tsdl's optional native kernels: oneDNN's sgemm run directly on the WebAssembly backend's heap, so that
// tfjs tensors on the wasm backend are multiplied with AVX-512 and all cores, without copies.
// Built by scripts/build-native.mjs when Debian's libdnnl-dev is there; tsdl works without it.
#include <node_api.h>
#include <dnnl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "tsdl_native: bad arguments: " #call);   \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static int64_t arg_int(napi_env env, napi_value v) {
  int64_t out = 0;
  napi_get_value_int64(env, v, &out);
  return out;
}

// sgemm(heap: ArrayBuffer, transA, transB, m, n, k, aOffset, bOffset, cOffset, batch, strideA, strideB, strideC)
// Offsets and strides are in floats. C = op(A) * op(B) for each batch entry (row-major, as tfjs stores).
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 13) {
    napi_throw_error(env, NULL, "tsdl_native.sgemm: expected 13 arguments");
    return NULL;
  }
  void* data = NULL;
  size_t bytes = 0;
  CHECK(napi_get_arraybuffer_info(env, argv[0], &data, &bytes));
  bool ta = false, tb = false;
  CHECK(napi_get_value_bool(env, argv[1], &ta));
  CHECK(napi_get_value_bool(env, argv[2], &tb));
  int64_t m = arg_int(env, argv[3]), n = arg_int(env, argv[4]), k = arg_int(env, argv[5]);
  int64_t ao = arg_int(env, argv[6]), bo = arg_int(env, argv[7]), co = arg_int(env, argv[8]);
  int64_t batch = arg_int(env, argv[9]), sa = arg_int(env, argv[10]), sb = arg_int(env, argv[11]), sc = arg_int(env, argv[12]);
  int64_t floats = (int64_t)(bytes / sizeof(float));
  int64_t lastA = ao + (batch - 1) * sa + m * k, lastB = bo + (batch - 1) * sb + k * n, lastC = co + (batch - 1) * sc + m * n;
  if (m <= 0 || n <= 0 || k <= 0 || batch <= 0 || ao < 0 || bo < 0 || co < 0 || lastA > floats || lastB > floats || lastC > floats) {
    napi_throw_range_error(env, NULL, "tsdl_native.sgemm: operands outside the heap");
    return NULL;
  }
  float* heap = (float*)data;
  for (int64_t i = 0; i < batch; i++) {
    dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, heap + ao + i * sa, ta ? m : k,
                                  heap + bo + i * sb, tb ? k : n, 0.0f, heap + co + i * sc, n);
    if (st != dnnl_success) {
      napi_throw_error(env, NULL, "tsdl_native.sgemm: oneDNN failed");
      return NULL;
    }
  }
  return NULL;
}

static napi_value version(napi_env env, napi_callback_info info) {
  (void)info;
  const dnnl_version_t* v = dnnl_version();
  char text[64];
  snprintf(text, sizeof text, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
  napi_value out;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &f);
  napi_set_named_property(env, exports, "sgemm", f);
  napi_create_function(env, "version", NAPI_AUTO_LENGTH, version, NULL, &f);
  napi_set_named_property(env, exports, "version", f);
  return exports;
}
