// The one oneDNN CPU engine and stream every primitive of the addon runs on (matmul.cc, conv.cc).
#pragma once
#include <dnnl.hpp>

inline dnnl::engine& cpu() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// One a thread: spin_pool.h's threads run primitives beside the main one.
inline dnnl::stream& queue() {
  static thread_local dnnl::stream s(cpu());
  return s;
}
