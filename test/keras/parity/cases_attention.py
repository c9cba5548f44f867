"""Parity cases of MultiHeadAttention: self- and cross-attention, keys, masks, causal, scores, shapes."""
from keras import layers
from generate import Int, Values, case

MHA = layers.MultiHeadAttention
# [batch 2, T 4, S 5]: row 1 of sample 0 attends to nothing (every key masked).
MASK_4x5 = Values([
    [[1, 1, 0, 1, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1]],
    [[0, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 0, 0], [1, 0, 1, 0, 1]],
])
MASK_5x5 = Values([
    [[1, 1, 0, 1, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 1], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]],
    [[0, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 0, 0], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1]],
])
# Padded token ids: padded query steps attend to no key.
IDS = Values([[3, 1, 4, 1, 5, 0, 0], [2, 6, 0, 5, 3, 5, 8]])

POSITIONS = Values([[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]])


def transformer_block(x, embed_dim, num_heads, ff_dim, rate=0.1):
    """keras.io's "Text classification with Transformer" TransformerBlock, as functional layers."""
    attn = layers.Dropout(rate)(MHA(num_heads=num_heads, key_dim=embed_dim)(x, x))
    out1 = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attn]))
    ffn = layers.Dropout(rate)(layers.Dense(embed_dim)(layers.Dense(ff_dim, activation="relu")(out1)))
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([out1, ffn]))


def text_classifier(xs):
    """The same page's model: token + position embeddings, the block, pooling, a dense head."""
    x = layers.Add()([layers.Embedding(20, 8)(xs[0]), layers.Embedding(6, 8)(xs[1])])
    x = layers.GlobalAveragePooling1D()(transformer_block(x, 8, 2, 16))
    x = layers.Dense(12, activation="relu")(layers.Dropout(0.1)(x))
    return layers.Dense(2, activation="softmax")(layers.Dropout(0.1)(x))


CASES = {
    "self_attention": case(lambda x: MHA(2, 4)(x, x), inputs=[(2, 5, 6)]),
    "cross_attention": case(lambda xs: MHA(2, 3)(xs[0], xs[1]), inputs=[(2, 4, 6), (2, 5, 7)]),
    "cross_attention_key_value_dim": case(lambda xs: MHA(3, 2, value_dim=4)(xs[0], xs[1], xs[2]), inputs=[(2, 4, 6), (2, 5, 3), (2, 5, 7)]),
    "attention_mask": case(lambda xs: MHA(2, 4)(xs[0], xs[1], attention_mask=xs[2]), inputs=[(2, 4, 6), (2, 5, 6), MASK_4x5]),
    "attention_mask_self": case(lambda xs: MHA(2, 3)(xs[0], xs[0], attention_mask=xs[1]), inputs=[(2, 5, 4), MASK_5x5]),
    "causal": case(lambda x: MHA(2, 3)(x, x, use_causal_mask=True), inputs=[(2, 5, 4)]),
    "causal_cross": case(lambda xs: MHA(2, 3)(xs[0], xs[1], use_causal_mask=True), inputs=[(2, 3, 4), (2, 5, 4)]),
    "causal_and_mask": case(lambda xs: MHA(2, 3)(xs[0], xs[0], attention_mask=xs[1], use_causal_mask=True), inputs=[(2, 5, 4), MASK_5x5]),
    "scores": case(lambda x: MHA(2, 3)(x, x, return_attention_scores=True), inputs=[(2, 4, 5)]),
    "scores_masked": case(lambda xs: MHA(2, 3)(xs[0], xs[1], attention_mask=xs[2], return_attention_scores=True), inputs=[(2, 4, 6), (2, 4, 6), Values([[[1, 1, 0, 0], [0, 0, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1]], [[0, 1, 1, 1], [1, 1, 1, 0], [0, 0, 1, 0], [1, 0, 0, 0]]])]),
    "dropout_inference_masked": case(lambda xs: MHA(2, 4, dropout=0.2)(xs[0], xs[1], attention_mask=xs[2]), inputs=[(2, 4, 6), (2, 5, 6), MASK_4x5]),
    "no_bias": case(lambda xs: MHA(2, 3, use_bias=False)(xs[0], xs[1]), inputs=[(2, 4, 6), (2, 3, 5)]),
    "output_shape": case(lambda x: MHA(2, 3, output_shape=8)(x, x), inputs=[(2, 4, 5)]),
    "output_shape_2d": case(lambda x: MHA(2, 3, output_shape=(2, 3))(x, x), inputs=[(2, 4, 5)]),
    "inputs_4d": case(lambda x: MHA(2, 3)(x, x), inputs=[(2, 3, 4, 5)]),
    "inputs_4d_axis_2": case(lambda x: MHA(2, 3, attention_axes=(2,))(x, x), inputs=[(2, 3, 4, 5)]),
    "inputs_4d_axis_minus_2_cross": case(lambda xs: MHA(2, 2, attention_axes=-2)(xs[0], xs[1]), inputs=[(2, 3, 4, 5), (2, 3, 6, 4)]),
    "embedding_mask": case(lambda x: (lambda e: MHA(2, 3)(e, e))(layers.Embedding(10, 6, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_scores": case(lambda x: (lambda e: MHA(2, 3)(e, e, return_attention_scores=True))(layers.Embedding(10, 6, mask_zero=True)(x)), inputs=[IDS]),
    "transformer_block": case(lambda x: transformer_block(x, 8, 2, 16), inputs=[(2, 6, 8)]),
    "transformer_text_classifier": case(text_classifier, inputs=[Int((2, 6), 20), POSITIONS]),
    "training": case(lambda xs: MHA(2, 4)(xs[0], xs[1]), inputs=[(2, 4, 6), (2, 5, 6)], training=True),
}
