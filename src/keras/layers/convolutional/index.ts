// keras.layers: the convolutional layers (Keras 3's keras/src/layers/convolutional).
export {};
