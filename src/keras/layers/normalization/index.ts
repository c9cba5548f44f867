// keras.layers: the normalization layers (Keras 3's keras/src/layers/normalization).
export {};
