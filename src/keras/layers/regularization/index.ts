// keras.layers: the regularization layers (Keras 3's keras/src/layers/regularization).
export {};
