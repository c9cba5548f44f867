// Activation, ReLU and Softmax live with the other activation layers in ./activations/ (Keras 3's
// keras/src/layers/activations); this module keeps their first import path.
export { Activation, ReLU, Softmax, type ReLUOptions, type SoftmaxOptions } from "./activations/index.js";
