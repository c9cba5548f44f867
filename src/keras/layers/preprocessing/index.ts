// keras.layers: the preprocessing layers (Keras 3's keras/src/layers/preprocessing).
export {};
