// keras.layers: the merging layers (Keras 3's keras/src/layers/merging).
export {};
