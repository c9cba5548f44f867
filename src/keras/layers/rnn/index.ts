// keras.layers: the rnn layers (Keras 3's keras/src/layers/rnn), with Embedding and Masking.
export { SimpleRNN, SimpleRNNLayer, type SimpleRNNOptions, type RecurrentCallable } from "./simple_rnn.js";
export { LSTM, LSTMLayer, type LSTMOptions } from "./lstm.js";
export { GRU, GRULayer, type GRUOptions } from "./gru.js";
export { Bidirectional, BidirectionalLayer, type BidirectionalOptions, type MergeMode } from "./bidirectional.js";
export { TimeDistributed, type TimeDistributedOptions } from "./time_distributed.js";
export { Embedding, type EmbeddingOptions } from "./embedding.js";
export { Masking, type MaskingOptions } from "./masking.js";
export { RecurrentLayer, type RNNOptions, type RNNCallOptions } from "./rnn.js";
