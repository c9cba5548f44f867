{
  "targets": [
    {
      "target_name": "tsdl_native",
      "sources": ["tsdl_native.c"],
      "cflags": ["-O3", "-march=native"],
      "libraries": ["-ldnnl"]
    }
  ]
}
