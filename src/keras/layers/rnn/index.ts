// keras.layers: the rnn layers (Keras 3's keras/src/layers/rnn).
export {};
