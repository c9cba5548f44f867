// keras.layers: the reshaping layers (Keras 3's keras/src/layers/reshaping).
export {};
