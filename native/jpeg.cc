// JPEG files to float pixels for ImageDataGenerator.flowFromDirectory, as Keras' load_img makes them:
// libjpeg-turbo's decode with its defaults (the library PIL decodes with), the image converted to RGB
// or to grey by PIL's luma (ITU-R 601 in 16-bit fixed point), resized by nearest neighbour with PIL's
// sampling (output pixel d takes source pixel floor(in/out · (d + 0.5)), stepped as PIL steps), each value times `scale`
// (the generator's rescale) and written straight into the batch's Float32Array.
//
// decodeJpeg(path, out: Float32Array, height, width, channels (1 | 3), scale, raw = true) -> Promise<undefined>
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
  bool raw;  // the raw-component path where chroma_mode() takes the file (off: libjpeg's full RGB output)
  std::string error;
  napi_ref buffer;
  napi_deferred deferred;
  napi_async_work work;
};

// How libjpeg would upsample a colour JPEG's chroma, where raw_sample() can do the same itself: 1 for
// 4:4:4 (none), 2 for 4:2:2 (horizontal triangle filter), 3 for 4:2:0 (triangle filter both ways);
// 0 for anything else (4:4:0, odd factors, RGB or Adobe JPEGs, chroma too narrow for libjpeg's fancy
// upsampling), which goes through libjpeg's own upsampling and colour conversion.
int chroma_mode(const jpeg_decompress_struct& c) {
  if (c.num_components != 3 || c.jpeg_color_space != JCS_YCbCr || c.scale_num != c.scale_denom) return 0;
  const jpeg_component_info* k = c.comp_info;
  if (k[0].h_samp_factor != c.max_h_samp_factor || k[0].v_samp_factor != c.max_v_samp_factor) return 0;
  if (k[1].h_samp_factor != k[2].h_samp_factor || k[1].v_samp_factor != k[2].v_samp_factor) return 0;
  const int h = c.max_h_samp_factor / k[1].h_samp_factor, v = c.max_v_samp_factor / k[1].v_samp_factor;
  if (h * k[1].h_samp_factor != c.max_h_samp_factor || v * k[1].v_samp_factor != c.max_v_samp_factor) return 0;
  if (h == 1 && v == 1) return 1;
  if (k[1].downsampled_width <= 2) return 0;  // libjpeg replicates instead of filtering
  return h == 2 && v == 1 ? 2 : h == 2 && v == 2 ? 3 : 0;
}

// libjpeg's YCbCr -> RGB in 16-bit fixed point (jdcolor.c's tables), for one pixel.
struct YccTables {
  int cr_r[256], cb_b[256], cr_g[256], cb_g[256];
  YccTables() {
    const auto fix = [](double x) { return (int)(x * 65536 + 0.5); };
    for (int i = 0; i < 256; i++) {
      const int x = i - 128;
      cr_r[i] = (fix(1.40200) * x + 32768) >> 16;
      cb_b[i] = (fix(1.77200) * x + 32768) >> 16;
      cr_g[i] = -fix(0.71414) * x;
      cb_g[i] = -fix(0.34414) * x + 32768;
    }
  }
};

inline int clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }

// The decode for colour JPEGs that chroma_mode() takes: libjpeg's raw output (the component planes after
// the inverse DCT), then the upsampling and colour conversion only at the pixels that nearest-neighbour
// sampling keeps (a 500x375 photo to 224x224 keeps 27% of them), in libjpeg's integer arithmetic, so the
// pixels are those of its RGB output.
void raw_sample(jpeg_decompress_struct& cinfo, int mode, const Job& job, const std::vector<int>& xs, const std::vector<int>& ys) {
  static const YccTables t;
  // Each decoding thread keeps its planes for the next file (fresh ones would cost their page faults
  // every time), up to photo sizes.
  thread_local std::vector<unsigned char> planes[3];
  thread_local std::vector<JSAMPROW> rows[3];
  for (auto& p : planes)
    if (p.capacity() > (16u << 20)) std::vector<unsigned char>().swap(p);  // not a huge one's
  const int imcu = (int)cinfo.total_iMCU_rows;
  size_t stride[3];
  int band[3];
  for (int ci = 0; ci < 3; ci++) {
    const jpeg_component_info& k = cinfo.comp_info[ci];
    stride[ci] = (size_t)k.width_in_blocks * DCTSIZE;
    band[ci] = k.v_samp_factor * DCTSIZE;
    planes[ci].resize(stride[ci] * band[ci] * imcu);
    rows[ci].resize((size_t)band[ci] * imcu);
    for (size_t r = 0; r < rows[ci].size(); r++) rows[ci][r] = planes[ci].data() + r * stride[ci];
  }
  for (int r = 0; cinfo.output_scanline < cinfo.output_height; r++) {
    JSAMPARRAY bands[3] = {rows[0].data() + (size_t)r * band[0], rows[1].data() + (size_t)r * band[1], rows[2].data() + (size_t)r * band[2]};
    jpeg_read_raw_data(&cinfo, bands, (JDIMENSION)(cinfo.max_v_samp_factor * DCTSIZE));
  }
  const int dw = (int)cinfo.comp_info[1].downsampled_width, dh = (int)cinfo.comp_info[1].downsampled_height;
  const int OW = job.width, OH = job.height, OC = job.channels;
  // per output column: the chroma sample, and the neighbour the filter weighs in (-1 at the edges)
  std::vector<int> cx(OW), nx(OW);
  for (int d = 0; d < OW; d++) {
    const int x = xs[d];
    if (mode == 1) {
      cx[d] = x, nx[d] = -1;
    } else {
      const int c = x >> 1;
      cx[d] = c;
      nx[d] = (x & 1) ? (c + 1 < dw ? c + 1 : -1) : (c > 0 ? c - 1 : -1);
    }
  }
  for (int dy = 0; dy < OH; dy++) {
    const int y = ys[dy];
    const unsigned char* Y = rows[0][y];
    const unsigned char *b0, *b1 = nullptr, *r0, *r1 = nullptr;
    if (mode == 3) {
      // the row above (even rows) or below (odd rows), the first and last rows standing in past the edges
      const int in = y >> 1, other = (y & 1) ? std::min(in + 1, dh - 1) : std::max(in - 1, 0);
      b0 = rows[1][in], b1 = rows[1][other], r0 = rows[2][in], r1 = rows[2][other];
    } else {
      b0 = rows[1][y], r0 = rows[2][y];
    }
    float* o = job.out + (size_t)dy * OW * OC;
    for (int d = 0; d < OW; d++) {
      const int x = xs[d], c = cx[d], n = nx[d], odd = x & 1;
      int cb, cr;
      if (mode == 1) {
        cb = b0[c], cr = r0[c];
      } else if (mode == 2) {
        const int bias = odd ? 2 : 1;
        cb = n < 0 ? b0[c] : (b0[c] * 3 + b0[n] + bias) >> 2;
        cr = n < 0 ? r0[c] : (r0[c] * 3 + r0[n] + bias) >> 2;
      } else {
        const int bias = odd ? 7 : 8;
        const int bs = b0[c] * 3 + b1[c], rs = r0[c] * 3 + r1[c];
        cb = n < 0 ? (bs * 4 + bias) >> 4 : (bs * 3 + b0[n] * 3 + b1[n] + bias) >> 4;
        cr = n < 0 ? (rs * 4 + bias) >> 4 : (rs * 3 + r0[n] * 3 + r1[n] + bias) >> 4;
      }
      const int yv = Y[x];
      const int R = clamp255(yv + t.cr_r[cr]), G = clamp255(yv + ((t.cb_g[cb] + t.cr_g[cr]) >> 16)), B = clamp255(yv + t.cb_b[cb]);
      if (OC == 3) {
        o[d * 3] = (float)R * job.scale;
        o[d * 3 + 1] = (float)G * job.scale;
        o[d * 3 + 2] = (float)B * job.scale;
      } else {
        o[d] = (float)((R * 19595u + G * 38470u + B * 7471u + 32768u) >> 16) * job.scale;
      }
    }
  }
}

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
  const int mode = job.raw ? chroma_mode(cinfo) : 0;
  cinfo.raw_data_out = mode ? TRUE : FALSE;
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
  if (mode) {
    raw_sample(cinfo, mode, job, xs, ys);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    return true;
  }
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
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  size_t length = 0;
  napi_typedarray_type type;
  void* data = nullptr;
  int32_t h = 0, w = 0, c = 0;
  double scale = 1;
  size_t pathLength = 0;
  bool raw = true;
  if (argc < 6 || argc > 7 || (argc == 7 && napi_get_value_bool(env, argv[6], &raw) != napi_ok) || napi_get_value_string_utf8(env, argv[0], nullptr, 0, &pathLength) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array ||
      napi_get_value_int32(env, argv[2], &h) != napi_ok || napi_get_value_int32(env, argv[3], &w) != napi_ok ||
      napi_get_value_int32(env, argv[4], &c) != napi_ok || napi_get_value_double(env, argv[5], &scale) != napi_ok ||
      h <= 0 || w <= 0 || (c != 1 && c != 3)) {
    napi_throw_type_error(env, nullptr, "tsdl_native.decodeJpeg: expected (path, out: Float32Array, height > 0, width > 0, channels: 1 | 3, scale, raw?: boolean)");
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
  job->raw = raw;
  napi_create_reference(env, argv[1], 1, &job->buffer);  // the array lives until the decode is done
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "tsdl.decodeJpeg", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}
