// Conv2D lives with the other convolution layers (convolutional/conv2d.ts); this path stays for the
// modules that import it from here.
export { Conv2D, conv2dClass, type Conv2DOptions } from "./convolutional/conv2d.js";
