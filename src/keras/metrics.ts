// keras.metrics: the metrics live in ./metrics/ (one family a file); this module is their public face.
export * from "./metrics/index.js";
