// keras.layers: the core layers (Keras 3's keras/src/layers/core).
export { Lambda, LambdaLayer, type LambdaOptions, type LambdaFunction, type LambdaCallOptions } from "./lambda_layer.js";
export { Identity, IdentityLayer } from "./identity.js";
