// keras.layers: the core layers (Keras 3's keras/src/layers/core).
export {};
