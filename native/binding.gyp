{
  "targets": [
    {
      "target_name": "tsdl_native",
      "sources": ["addon.cc", "matmul.cc", "conv.cc", "batch_norm.cc", "pooling.cc", "elementwise.cc", "spin_pool.cc"],
      "cflags_cc": ["-O3", "-march=native", "-std=c++17", "-fexceptions", "-fopenmp", "-fno-math-errno"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "libraries": ["-ldnnl", "-lgomp"],
      "conditions": [
        ["<!(test -f /usr/include/jpeglib.h && echo 1 || echo 0) == 1", {
          "sources": ["jpeg.cc"],
          "libraries": ["-ljpeg"],
          "defines": ["TSDL_JPEG"]
        }]
      ]
    }
  ]
}
