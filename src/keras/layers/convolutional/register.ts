// Registers tsdl's convolution classes under their Keras/tfjs names, so that a saved model loads with
// them (groups, causal padding, Keras' weight names) even before any layer of the kind was made.
import { conv1dClass } from "./conv1d.js";
import { conv1dTransposeClass } from "./conv1d_transpose.js";
import { conv2dClass } from "./conv2d.js";
import { conv2dTransposeClass } from "./conv2d_transpose.js";
import { depthwiseConv2dClass } from "./depthwise_conv2d.js";
import { separableConv2dClass } from "./separable_conv2d.js";

export function registerConvolutionalClasses(): void {
  for (const make of [conv1dClass, conv1dTransposeClass, conv2dClass, conv2dTransposeClass, depthwiseConv2dClass, separableConv2dClass]) make();
}
