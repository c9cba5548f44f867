// Keras parity of MultiHeadAttention (self- and cross-attention, keys, masks, causal masks, scores,
// output shapes, attention axes): the Keras side is test/keras/parity/cases_attention.py.
import { layers, type tf } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

const MHA = layers.MultiHeadAttention;
type Sym = tf.SymbolicTensor;

/** keras.io's "Text classification with Transformer" TransformerBlock, as functional layers. */
function transformerBlock(x: Sym, embedDim: number, numHeads: number, ffDim: number, rate = 0.1): Sym {
  const attn = layers.Dropout(rate)(MHA({ numHeads, keyDim: embedDim })(x, x));
  const out1 = layers.LayerNormalization({ epsilon: 1e-6 })(layers.Add()([x, attn]) as Sym);
  const ffn = layers.Dropout(rate)(layers.Dense(embedDim)(layers.Dense(ffDim, { activation: "relu" })(out1)));
  return layers.LayerNormalization({ epsilon: 1e-6 })(layers.Add()([out1, ffn]) as Sym);
}

parityTests("attention", {
  self_attention: { build: (x) => MHA(2, 4)(x, x) },
  cross_attention: { build: (xs) => MHA(2, 3)(xs[0], xs[1]) },
  cross_attention_key_value_dim: { build: (xs) => MHA(3, 2, { valueDim: 4 })(xs[0], xs[1], xs[2]) },
  attention_mask: { build: (xs) => MHA(2, 4)(xs[0], xs[1], { attentionMask: xs[2] }) },
  attention_mask_self: { build: (xs) => MHA(2, 3)(xs[0], xs[0], { attentionMask: xs[1] }) },
  causal: { build: (x) => MHA(2, 3)(x, x, { useCausalMask: true }) },
  causal_cross: { build: (xs) => MHA(2, 3)(xs[0], xs[1], { useCausalMask: true }) },
  causal_and_mask: { build: (xs) => MHA(2, 3)(xs[0], xs[0], { attentionMask: xs[1], useCausalMask: true }) },
  scores: { build: (x) => MHA(2, 3)(x, x, { returnAttentionScores: true }) },
  scores_masked: { build: (xs) => MHA(2, 3)(xs[0], xs[1], { attentionMask: xs[2], returnAttentionScores: true }) },
  dropout_inference_masked: { build: (xs) => MHA(2, 4, { dropout: 0.2 })(xs[0], xs[1], { attentionMask: xs[2] }) },
  no_bias: { build: (xs) => MHA(2, 3, { useBias: false })(xs[0], xs[1]) },
  output_shape: { build: (x) => MHA(2, 3, { outputShape: 8 })(x, x) },
  output_shape_2d: { build: (x) => MHA(2, 3, { outputShape: [2, 3] })(x, x) },
  inputs_4d: { build: (x) => MHA(2, 3)(x, x) },
  inputs_4d_axis_2: { build: (x) => MHA(2, 3, { attentionAxes: [2] })(x, x) },
  inputs_4d_axis_minus_2_cross: { build: (xs) => MHA(2, 2, { attentionAxes: -2 })(xs[0], xs[1]) },
  embedding_mask: {
    build: (x) => {
      const e = layers.Embedding(10, 6, { maskZero: true })(x);
      return MHA(2, 3)(e, e);
    },
  },
  embedding_mask_scores: {
    build: (x) => {
      const e = layers.Embedding(10, 6, { maskZero: true })(x);
      return MHA(2, 3)(e, e, { returnAttentionScores: true });
    },
  },
  transformer_block: { build: (x) => transformerBlock(x, 8, 2, 16) },
  transformer_text_classifier: {
    build: (xs) => {
      let x = layers.Add()([layers.Embedding(20, 8)(xs[0]), layers.Embedding(6, 8)(xs[1])]) as Sym;
      x = layers.GlobalAveragePooling1D()(transformerBlock(x, 8, 2, 16));
      x = layers.Dense(12, { activation: "relu" })(layers.Dropout(0.1)(x));
      return layers.Dense(2, { activation: "softmax" })(layers.Dropout(0.1)(x));
    },
  },
  training: { build: (xs) => MHA(2, 4)(xs[0], xs[1]) },
});
