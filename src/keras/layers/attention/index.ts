// keras.layers: the attention layers (Keras 3's keras/src/layers/attention).
export {};
