// keras.layers: the pooling layers (Keras 3's keras/src/layers/pooling).
export {};
