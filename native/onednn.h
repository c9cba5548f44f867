// The one oneDNN CPU engine and stream every primitive of the addon runs on (matmul.cc, conv.cc).
#pragma once
#include <dnnl.hpp>

inline dnnl::engine& cpu() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

inline dnnl::stream& queue() {
  static dnnl::stream s(cpu());
  return s;
}
