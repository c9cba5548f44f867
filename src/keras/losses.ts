// keras.losses: the losses live in ./losses/ (one family a file); this module is their public face.
export * from "./losses/index.js";
