// JPEG files to float pixels for ImageDataGenerator.flowFromDirectory, as Keras' load_img makes them:
// libjpeg-turbo's decode with its defaults (the library PIL decodes with), the image converted to RGB
// or to grey by PIL's luma (ITU-R 601 in 16-bit fixed point), resized by nearest neighbour with PIL's
// sampling (output pixel d takes source pixel floor(in/out · (d + 0.5)), stepped as PIL steps), each value times `scale`
// (the generator's rescale) and written straight into the batch's Float32Array.
//
// decodeJpeg(path, out: Float32Array, height, width, channels (1 | 3), scale) -> Promise<undefined>
// runs on decode threads of the addon's own, one a core, at the lowest priority there is (SCHED_IDLE):
// the model trains on every core (OpenMP's threads), and a decode that took a core from one of them
// held the whole parallel region up, so that seed 000's deep model trained 15-22% slower a step from
// its JPEGs than from memory; decoding only on a core that would be idle, 5-12% (3 runs each,
// measured on libuv's pool; libuv's threads could not have been given the priority back afterwards,
// which needs CAP_SYS_NICE). It rejects with libjpeg's message for anything it does not decode (not
// a JPEG, CMYK, corrupt or truncated data), and the caller decodes that file another way.
//
// decodeJpegUrgent(waiting: boolean): the caller waits (true) or no longer waits (false) for a decode.
// While anyone waits, threads at normal priority decode too: when other programs keep every core busy
// (another notebook training on the same machine), an idle-priority thread gets almost no time, and
// the batch would wait for it for ever.
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
// jpeglib.h needs FILE and size_t first
#include <jpeglib.h>

extern int max_threads;  // addon.cc: the process' thread budget

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
  struct Completion* completion;  // of the environment (main thread or worker) that asked
};

// Per Node environment: the function that settles its jobs' promises on its thread, referenced (it
// keeps that event loop alive) while any of its jobs is out.
struct Completion {
  napi_threadsafe_function settle = nullptr;
  int out = 0;
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

void run(Job& job) {
  if ((size_t)job.height * job.width * job.channels > job.floats) {
    job.error = "the output array is too small";
    return;
  }
  decode(job);
}

// On the main thread, for each finished job: settles its promise.
void settle(napi_env env, napi_value, void*, void* data);

struct Decoder {
  std::mutex m;
  std::condition_variable wake;    // idle-priority threads: a job is queued
  std::condition_variable rescue;  // normal-priority threads: a job is queued and someone waits
  std::deque<Job*> queue;
  int waiting = 0;  // callers waiting for a decode (decodeJpegUrgent)
  int threads = 0;

  void work(bool idle) {
    sigset_t all;  // process signals go to Node's threads, never to a decode
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT}) sigdelset(&all, s);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    if (idle) {
      sched_param none{};
      sched_setscheduler(0, SCHED_IDLE, &none);
    }
    for (;;) {
      Job* job;
      {
        std::unique_lock<std::mutex> lock(m);
        if (idle) wake.wait(lock, [&] { return !queue.empty(); });
        else rescue.wait(lock, [&] { return waiting > 0 && !queue.empty(); });
        job = queue.front();
        queue.pop_front();
      }
      run(*job);
      napi_call_threadsafe_function(job->completion->settle, job, napi_tsfn_blocking);
    }
  }

  // Queues a job (on its environment's thread), starting the threads on the first.
  bool submit(napi_env env, Job* job) {
    void* data = nullptr;
    napi_get_instance_data(env, &data);
    Completion* c = static_cast<Completion*>(data);
    if (!c) {
      napi_value name;
      napi_create_string_utf8(env, "tsdl.decodeJpeg", NAPI_AUTO_LENGTH, &name);
      c = new Completion;
      if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr, settle, &c->settle) != napi_ok) {
        delete c;
        return false;
      }
      napi_unref_threadsafe_function(env, c->settle);
      napi_set_instance_data(env, c, [](napi_env, void* d, void*) { delete static_cast<Completion*>(d); }, nullptr);
    }
    job->completion = c;
    if (c->out++ == 0) napi_ref_threadsafe_function(env, c->settle);
    {
      std::lock_guard<std::mutex> lock(m);
      for (; threads < std::max(1, max_threads); threads++) {
        std::thread([this] { work(true); }).detach();
        std::thread([this] { work(false); }).detach();
      }
      queue.push_back(job);
    }
    wake.notify_one();
    rescue.notify_one();
    return true;
  }

  void urgent(bool on) {
    {
      std::lock_guard<std::mutex> lock(m);
      waiting = std::max(0, waiting + (on ? 1 : -1));
    }
    if (on) rescue.notify_all();
  }
};

// Never destroyed: its threads are detached and last as long as the process.
Decoder& decoder() {
  static Decoder* d = new Decoder;
  return *d;
}

void settle(napi_env env, napi_value, void*, void* data) {
  Job* job = static_cast<Job*>(data);
  if (env == nullptr) return;  // the environment is going away
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
  Completion* c = job->completion;
  delete job;
  if (--c->out == 0) napi_unref_threadsafe_function(env, c->settle);
}

}  // namespace

napi_value decode_jpeg_urgent(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool on = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 || napi_get_value_bool(env, argv[0], &on) != napi_ok) {
    napi_throw_type_error(env, nullptr, "tsdl_native.decodeJpegUrgent: expected (waiting: boolean)");
    return nullptr;
  }
  decoder().urgent(on);
  return nullptr;
}

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
  napi_value promise;
  napi_create_promise(env, &job->deferred, &promise);
  if (!decoder().submit(env, job)) {
    napi_delete_reference(env, job->buffer);
    delete job;
    napi_throw_error(env, nullptr, "tsdl_native.decodeJpeg: could not start the decode threads");
    return nullptr;
  }
  return promise;
}
