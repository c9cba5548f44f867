// keras.layers: the activations layers (Keras 3's keras/src/layers/activations).
export {};
