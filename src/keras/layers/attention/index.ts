// keras.layers: the attention layers (Keras 3's keras/src/layers/attention).
export { MultiHeadAttention, MultiHeadAttentionLayer, type MultiHeadAttentionOptions, type MultiHeadAttentionCallOptions, type MultiHeadAttentionCallable } from "./multi_head_attention.js";
