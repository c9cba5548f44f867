// keras.layers: the activations layers (Keras 3's keras/src/layers/activations).
export { Activation, type ActivationOptions } from "./activation.js";
export { ReLU, type ReLUOptions } from "./relu.js";
export { LeakyReLU, type LeakyReLUOptions } from "./leaky_relu.js";
export { PReLU, type PReLUOptions } from "./prelu.js";
export { ELU, type ELUOptions } from "./elu.js";
export { Softmax, type SoftmaxOptions } from "./softmax.js";
