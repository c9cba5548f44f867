// 2-D convolution and its two gradients with oneDNN, on NHWC activations and HWIO filters (tfjs'
// layouts) in place in the wasm heap; and the depthwise convolution (tfjs' DepthwiseConv2dNative: each
// input channel c convolved with its own M filters, output channel c * M + q) as oneDNN's grouped
// convolution, one group per input channel, its filter [KH, KW, C, M] read as oneDNN's hwigo layout.
// oneDNN picks its own weight layout ("any"); filters are reordered into it (and weight gradients back
// out of it) on each call, which is cheap next to the convolution.
// Primitives are made once per shape and kept. In inference the forward pass can also end in a
// per-channel y * scale + shift after the relu (a BatchNormalization that follows the layer), as two
// binary post-ops, so that the normalization costs no pass of its own over the output.
#include <dnnl.hpp>
#include <map>
#include <memory>
#include <vector>
#include "heap.h"
#include "onednn.h"

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct Shape {
  int64_t kind, N, H, W, C, OH, OW, OC, KH, KW, SH, SW, DH, DW, padT, padL, padB, padR, bias, relu, inference, affine;
  int64_t groups = 1;  // C for a depthwise convolution (OC = C * M)
  std::vector<int64_t> key() const { return {kind, N, H, W, C, OH, OW, OC, KH, KW, SH, SW, DH, DW, padT, padL, padB, padR, bias, relu, inference, affine, groups}; }
  memory::desc perChannel() const { return memory::desc({1, OC, 1, 1}, dt::f32, tag::nchw); }
  memory::desc src() const { return memory::desc({N, C, H, W}, dt::f32, tag::nhwc); }
  memory::desc dst() const { return memory::desc({N, OC, OH, OW}, dt::f32, tag::nhwc); }
  memory::dims weightsDims() const {
    return groups == 1 ? memory::dims{OC, C, KH, KW} : memory::dims{groups, OC / groups, C / groups, KH, KW};
  }
  memory::desc weightsUser() const { return memory::desc(weightsDims(), dt::f32, groups == 1 ? tag::hwio : tag::hwigo); }
  memory::desc weightsAny() const { return memory::desc(weightsDims(), dt::f32, tag::any); }
  memory::dims strides() const { return {SH, SW}; }
  memory::dims dilates() const { return {DH - 1, DW - 1}; }  // oneDNN counts the gaps
  memory::dims padL_() const { return {padT, padL}; }
  memory::dims padR_() const { return {padB, padR}; }
  convolution_forward::primitive_desc forward() const {
    const auto prop = inference ? prop_kind::forward_inference : prop_kind::forward_training;
    auto d = bias ? convolution_forward::desc(prop, algorithm::convolution_direct, src(), weightsAny(),
                                              memory::desc({OC}, dt::f32, tag::x), dst(), strides(), dilates(), padL_(), padR_())
                  : convolution_forward::desc(prop, algorithm::convolution_direct, src(), weightsAny(), dst(),
                                              strides(), dilates(), padL_(), padR_());
    primitive_attr attr;
    post_ops ops;
    if (relu) ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
    if (affine) {
      ops.append_binary(algorithm::binary_mul, perChannel());
      ops.append_binary(algorithm::binary_add, perChannel());
    }
    if (relu || affine) attr.set_post_ops(ops);
    return convolution_forward::primitive_desc(d, attr, cpu());
  }
};

struct Plan {
  primitive conv;
  memory::desc weightsInner;          // oneDNN's layout of the filter
  bool reorderWeights = false;        // user HWIO != inner layout
  dnnl::reorder reorder;                  // HWIO -> inner (forward, backward data) or inner -> HWIO (weight gradient)
  std::unique_ptr<memory> weightsBuffer;  // the filter (or its gradient) in the inner layout
  int64_t weightsId = -1;                 // inference: the filter tensor whose reorder weightsBuffer holds
};

std::map<std::vector<int64_t>, Plan>& plans() {
  static std::map<std::vector<int64_t>, Plan> p;
  return p;
}

Plan& plan(const Shape& s) {
  auto key = s.key();
  auto found = plans().find(key);
  if (found != plans().end()) return found->second;
  Plan p;
  auto fwd = s.forward();
  if (s.kind == 0) {
    p.conv = convolution_forward(fwd);
    p.weightsInner = fwd.weights_desc();
  } else if (s.kind == 1) {
    convolution_backward_data::desc d(algorithm::convolution_direct, s.src(), s.weightsAny(), s.dst(), s.strides(), s.dilates(), s.padL_(), s.padR_());
    convolution_backward_data::primitive_desc pd(d, cpu(), fwd);
    p.conv = convolution_backward_data(pd);
    p.weightsInner = pd.weights_desc();
  } else {
    convolution_backward_weights::desc d(algorithm::convolution_direct, s.src(), s.weightsAny(), s.dst(), s.strides(), s.dilates(), s.padL_(), s.padR_());
    convolution_backward_weights::primitive_desc pd(d, cpu(), fwd);
    p.conv = convolution_backward_weights(pd);
    p.weightsInner = pd.diff_weights_desc();
  }
  p.reorderWeights = p.weightsInner != s.weightsUser();
  if (p.reorderWeights) {
    p.weightsBuffer = std::make_unique<memory>(p.weightsInner, cpu());
    memory user(s.weightsUser(), cpu(), nullptr);
    p.reorder = s.kind == 2 ? reorder(*p.weightsBuffer, user) : reorder(user, *p.weightsBuffer);
  }
  return plans().emplace(std::move(key), std::move(p)).first->second;
}

}  // namespace

// params: kind (0 forward, 1 input gradient, 2 filter gradient), N, H, W, C, OH, OW, OC, KH, KW,
//   strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight, hasBias, relu,
//   srcOffset (x or dx), weightsOffset (W or dW), biasOffset, dstOffset (y or dy)
//   [, scaleOffset, shiftOffset (-1: none): the forward pass in inference (oneDNN's forward_inference, no
//   state kept for a gradient), y = act(conv + bias) * scale + shift per channel when they are given
//   [, filterId: the filter tensor's id in the wasm backend, which changes whenever its values do (a new
//   tensor, or fused_kernels.ts' rekey after an in-place update): the filter reordered into oneDNN's
//   layout is kept and reused while the id is the same (predict's batches: seed 002's second and third
//   convolutions reordered 60 and 120 µs of filter a batch)]]
namespace {

// Runs the convolution s on the heap's arrays (src: x or dx, wei: W or dW, dst: y or dy).
void run(Shape& s, float* src, float* wei, float* bias, float* dst, float* scale, float* shift, int64_t filterId) {
  use_threads(true);
  Plan& pl = plan(s);
  memory srcM(s.src(), cpu(), src), dstM(s.dst(), cpu(), dst), userW(s.weightsUser(), cpu(), wei);
  memory& w = pl.reorderWeights ? *pl.weightsBuffer : userW;
  if (pl.reorderWeights && s.kind != 2 && (filterId < 0 || filterId != pl.weightsId)) {
    pl.reorder.execute(queue(), userW, w);
    pl.weightsId = filterId;  // (-1 for training's calls: the next inference call reorders again)
  }
  if (s.kind == 0) {
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, srcM}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dstM}};
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(memory::desc({s.OC}, dt::f32, tag::x), cpu(), bias));
    if (s.affine) {
      const int first = s.relu ? 1 : 0;  // the binary post-ops' indices, after the relu
      args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(first) | DNNL_ARG_SRC_1, memory(s.perChannel(), cpu(), scale));
      args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(first + 1) | DNNL_ARG_SRC_1, memory(s.perChannel(), cpu(), shift));
    }
    pl.conv.execute(queue(), args);
  } else if (s.kind == 1) {
    pl.conv.execute(queue(), {{DNNL_ARG_DIFF_SRC, srcM}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_DST, dstM}});
  } else {
    pl.conv.execute(queue(), {{DNNL_ARG_SRC, srcM}, {DNNL_ARG_DIFF_WEIGHTS, w}, {DNNL_ARG_DIFF_DST, dstM}});
    if (pl.reorderWeights) pl.reorder.execute(queue(), w, userW);
  }
  queue().wait();
}

}  // namespace

void conv2d(const Heap& h, const Params& p) {
  const bool inference = p.n > 25;
  const int64_t filterId = p.n > 26 ? p.i(26) : -1;
  const bool affine = inference && p.i(24) >= 0;
  Shape s{p.i(0), p.i(1), p.i(2), p.i(3), p.i(4), p.i(5), p.i(6), p.i(7), p.i(8), p.i(9), p.i(10),
          p.i(11), p.i(12), p.i(13), p.i(14), p.i(15), p.i(16), p.i(17), p.i(18), p.i(19), inference, affine};
  if (s.kind < 0 || s.kind > 2) throw std::range_error("tsdl_native.conv2d: kind must be 0, 1 or 2");
  if (s.kind != 0 && (s.bias || s.relu || s.inference)) throw std::range_error("tsdl_native.conv2d: bias, relu and inference are forward-only");
  float* src = h.at(p.i(20), s.N * s.H * s.W * s.C, "conv2d x");
  float* wei = h.at(p.i(21), s.KH * s.KW * s.C * s.OC, "conv2d filter");
  float* bias = s.bias ? h.at(p.i(22), s.OC, "conv2d bias") : nullptr;
  float* dst = h.at(p.i(23), s.N * s.OH * s.OW * s.OC, "conv2d y");
  float* scale = affine ? h.at(p.i(24), s.OC, "conv2d scale") : nullptr;
  float* shift = affine ? h.at(p.i(25), s.OC, "conv2d shift") : nullptr;
  run(s, src, wei, bias, dst, scale, shift, filterId);
}

// params: kind (0 forward, 1 input gradient, 2 filter gradient), N, H, W, C, OH, OW, M (filters per
//   channel), KH, KW, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight,
//   srcOffset (x or dx), weightsOffset (W or dW, [KH, KW, C, M]), dstOffset (y or dy, C * M channels)
void depthwise_conv2d(const Heap& h, const Params& p) {
  const int64_t C = p.i(4), M = p.i(7);
  Shape s{p.i(0), p.i(1), p.i(2), p.i(3), C, p.i(5), p.i(6), C * M, p.i(8), p.i(9), p.i(10),
          p.i(11), p.i(12), p.i(13), p.i(14), p.i(15), p.i(16), p.i(17), 0, 0, 0, 0};
  s.groups = C;
  if (s.kind < 0 || s.kind > 2) throw std::range_error("tsdl_native.depthwiseConv2d: kind must be 0, 1 or 2");
  if (C < 1 || M < 1) throw std::range_error("tsdl_native.depthwiseConv2d: channels and filters per channel must be positive");
  float* src = h.at(p.i(18), s.N * s.H * s.W * C, "depthwiseConv2d x");
  float* wei = h.at(p.i(19), s.KH * s.KW * C * M, "depthwiseConv2d filter");
  float* dst = h.at(p.i(20), s.N * s.OH * s.OW * C * M, "depthwiseConv2d y");
  run(s, src, wei, nullptr, dst, nullptr, nullptr, -1);
}
