// JPEG files to float pixels for ImageDataGenerator.flowFromDirectory, as Keras' load_img makes them:
// libjpeg-turbo's decode with its defaults (the library PIL decodes with), the image converted to RGB
// or to grey by PIL's luma (ITU-R 601 in 16-bit fixed point), resized by nearest neighbour with PIL's
// sampling (output pixel d takes source pixel floor(in/out · (d + 0.5)), stepped as PIL steps), each value times `scale`
// (the generator's rescale) and written straight into the batch's Float32Array.
//
// decodeJpeg(path, out: Float32Array, height, width, channels (1 | 3), scale) -> Promise<undefined>
// runs on libuv's thread pool (several files decode at once, over every core); it rejects with
// libjpeg's message for anything it does not decode (not a JPEG, CMYK, corrupt or truncated data),
// and the caller decodes that file another way.
#include <node_api.h>
#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
// jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
#ifdef __linux__
#include <sched.h>
#endif

namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr cinfo) {
  ErrorManager* e = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  longjmp(e->jump, 1);
}

// libjpeg's warnings (corrupt data, a premature end of file) are errors here, as PIL refuses a
// truncated image.
void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) on_error(cinfo);
}

struct Job {
  std::string path;
  float* out;
  size_t floats;
  int height, width, channels;
  float scale;
  std::string error;
  napi_ref buffer;
  napi_deferred deferred;
  napi_async_work work;
};

// Decodes job.path into job.out; returns false with job.error set.
bool decode(Job& job) {
  FILE* f = fopen(job.path.c_str(), "rb");
  if (!f) {
    job.error = "cannot open " + job.path + ": " + strerror(errno);
    return false;
  }
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  std::vector<unsigned char> row;
  std::vector<int> xs, ys;  // before setjmp: a longjmp back must not skip their destructors
  if (setjmp(err.jump)) {
    job.error = err.message;
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, f);
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.num_components != 1 && cinfo.num_components != 3) {
    snprintf(err.message, sizeof err.message, "a JPEG with %d components (CMYK)", cinfo.num_components);
    longjmp(err.jump, 1);
  }
  const bool grey_in = cinfo.num_components == 1;
  cinfo.out_color_space = grey_in ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const int W = (int)cinfo.output_width, H = (int)cinfo.output_height, C = grey_in ? 1 : 3;
  const int OW = job.width, OH = job.height, OC = job.channels;
  row.resize((size_t)W * C);
  xs.resize(OW);
  // PIL steps through the source in double: the first sample at half a step, then one step per pixel
  // (a step that lands on an integer, as 500 -> 333 does, rounds as PIL's does only this way).
  const double sx = (double)W / OW, sy = (double)H / OH;
  double at = sx * 0.5;
  for (int d = 0; d < OW; d++, at += sx) xs[d] = std::min(W - 1, (int)at);
  ys.resize(OH);
  at = sy * 0.5;
  for (int d = 0; d < OH; d++, at += sy) ys[d] = std::min(H - 1, (int)at);
  float* out = job.out;
  const float scale = job.scale;
  int dy = 0;
  for (int y = 0; y < H && dy < OH; y++) {
    unsigned char* rows[1] = {row.data()};
    jpeg_read_scanlines(&cinfo, rows, 1);
    for (; dy < OH && ys[dy] == y; dy++) {
      float* o = out + (size_t)dy * OW * OC;
      const unsigned char* px = row.data();
      if (OC == 3 && !grey_in) {
        for (int d = 0; d < OW; d++) {
          const unsigned char* p = px + (size_t)xs[d] * 3;
          o[d * 3] = (float)p[0] * scale;
          o[d * 3 + 1] = (float)p[1] * scale;
          o[d * 3 + 2] = (float)p[2] * scale;
        }
      } else if (OC == 3) {
        for (int d = 0; d < OW; d++) o[d * 3] = o[d * 3 + 1] = o[d * 3 + 2] = (float)px[xs[d]] * scale;
      } else if (grey_in) {
        for (int d = 0; d < OW; d++) o[d] = (float)px[xs[d]] * scale;
      } else {
        for (int d = 0; d < OW; d++) {
          const unsigned char* p = px + (size_t)xs[d] * 3;
          o[d] = (float)((p[0] * 19595u + p[1] * 38470u + p[2] * 7471u + 32768u) >> 16) * scale;
        }
      }
    }
  }
  // The rest of the file is read so that corrupt data after the last needed row is still an error.
  while (cinfo.output_scanline < cinfo.output_height) {
    unsigned char* rows[1] = {row.data()};
    jpeg_read_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  fclose(f);
  return true;
}

// A decode runs beside training's compute: oneDNN's threads take both cores of a small machine, and a
// decoding thread that preempts one of them on waking stalls the other at the next barrier. So each
// thread that decodes runs under SCHED_BATCH: the same share of the CPU as any other thread (nothing is
// starved on a shared machine), but no preemption on wake-up. Seed 000's deep model trained from
// flowFromDirectory: 20% -> 17% a step over training from memory (four alternations on this VM).
void batch_scheduled() {
#ifdef __linux__
  static thread_local bool done = false;
  if (done) return;
  done = true;
  sched_param none{};
  sched_setscheduler(0, SCHED_BATCH, &none);  // (0: this thread; failure leaves it as it was)
#endif
}

void execute(napi_env, void* data) {
  batch_scheduled();
  Job& job = *static_cast<Job*>(data);
  if ((size_t)job.height * job.width * job.channels > job.floats) {
    job.error = "the output array is too small";
    return;
  }
  decode(job);
}

void complete(napi_env env, napi_status, void* data) {
  Job* job = static_cast<Job*>(data);
  if (job->error.empty()) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, job->deferred, undefined);
  } else {
    napi_value msg, error;
    napi_create_string_utf8(env, job->error.c_str(), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, nullptr, msg, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_reference(env, job->buffer);
  napi_delete_async_work(env, job->work);
  delete job;
}

}  // namespace

napi_value decode_jpeg(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  size_t length = 0;
  napi_typedarray_type type;
  void* data = nullptr;
  int32_t h = 0, w = 0, c = 0;
  double scale = 1;
  size_t pathLength = 0;
  if (argc != 6 || napi_get_value_string_utf8(env, argv[0], nullptr, 0, &pathLength) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array ||
      napi_get_value_int32(env, argv[2], &h) != napi_ok || napi_get_value_int32(env, argv[3], &w) != napi_ok ||
      napi_get_value_int32(env, argv[4], &c) != napi_ok || napi_get_value_double(env, argv[5], &scale) != napi_ok ||
      h <= 0 || w <= 0 || (c != 1 && c != 3)) {
    napi_throw_type_error(env, nullptr, "tsdl_native.decodeJpeg: expected (path, out: Float32Array, height > 0, width > 0, channels: 1 | 3, scale)");
    return nullptr;
  }
  Job* job = new Job{};
  job->path.resize(pathLength + 1);
  napi_get_value_string_utf8(env, argv[0], job->path.data(), pathLength + 1, &pathLength);
  job->path.resize(pathLength);
  job->out = static_cast<float*>(data);
  job->floats = length;
  job->height = h, job->width = w, job->channels = c;
  job->scale = (float)scale;
  napi_create_reference(env, argv[1], 1, &job->buffer);  // the array lives until the decode is done
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "tsdl.decodeJpeg", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}
