"""Parity cases of the recurrent layers, Embedding, Masking, Bidirectional and TimeDistributed."""
from keras import layers
from generate import Int, Values, case

# Token ids with padding: right-padded rows, a zero in the middle, a row with nothing masked.
IDS = Values([[3, 1, 4, 1, 5, 0, 0], [2, 6, 0, 5, 3, 5, 8], [9, 7, 9, 3, 2, 3, 8]])
# Float sequences where whole steps are zero (Masking skips them): steps 1 and 4 of row 0, the last two of row 1.
SEQ = Values([
    [[0.5, -1.0, 0.2], [0.0, 0.0, 0.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [0.0, 0.0, 0.0]],
    [[1.0, 0.4, -0.3], [-0.6, 0.2, 0.9], [0.7, -1.2, 0.5], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
])
# Steps whose features all equal 2.5 are masked (Masking(2.5)).
SEQ_25 = Values([
    [[2.5, 2.5], [0.1, -0.4], [2.5, 2.5], [0.9, 0.3]],
    [[0.2, 0.7], [-1.1, 0.5], [2.5, 0.0], [2.5, 2.5]],
])

CASES = {
    # SimpleRNN
    "simple_rnn": case(lambda x: layers.SimpleRNN(4), inputs=[(2, 5, 3)]),
    "simple_rnn_sequences_relu": case(lambda x: layers.SimpleRNN(3, activation="relu", return_sequences=True), inputs=[(2, 4, 5)]),
    "simple_rnn_backwards_state": case(lambda x: layers.SimpleRNN(4, go_backwards=True, return_sequences=True, return_state=True), inputs=[(3, 5, 2)]),
    "simple_rnn_no_bias": case(lambda x: layers.SimpleRNN(3, use_bias=False), inputs=[(2, 4, 3)]),
    # LSTM
    "lstm": case(lambda x: layers.LSTM(4), inputs=[(2, 5, 3)]),
    "lstm_sequences_state": case(lambda x: layers.LSTM(3, return_sequences=True, return_state=True), inputs=[(2, 6, 4)]),
    "lstm_backwards": case(lambda x: layers.LSTM(4, go_backwards=True, return_sequences=True), inputs=[(2, 5, 3)]),
    "lstm_backwards_state": case(lambda x: layers.LSTM(2, go_backwards=True, return_state=True), inputs=[(3, 4, 3)]),
    "lstm_activations_no_bias": case(lambda x: layers.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid", use_bias=False), inputs=[(2, 5, 3)]),
    "lstm_no_unit_forget_bias": case(lambda x: layers.LSTM(3, unit_forget_bias=False), inputs=[(2, 3, 2)]),
    "lstm_training": case(lambda x: layers.LSTM(3, return_sequences=True), inputs=[(2, 4, 3)], training=True),
    "lstm_stacked": case(lambda x: layers.LSTM(3)(layers.LSTM(4, return_sequences=True)(x)), inputs=[(2, 5, 3)]),
    "lstm_initial_state": case(lambda xs: layers.LSTM(3, return_sequences=True)(xs[0], initial_state=[xs[1], xs[2]]), inputs=[(2, 4, 3), (2, 3), (2, 3)]),
    # GRU, both reset conventions
    "gru_reset_after": case(lambda x: layers.GRU(4), inputs=[(2, 5, 3)]),
    "gru_reset_before": case(lambda x: layers.GRU(4, reset_after=False), inputs=[(2, 5, 3)]),
    "gru_reset_after_sequences_state": case(lambda x: layers.GRU(3, return_sequences=True, return_state=True), inputs=[(2, 6, 4)]),
    "gru_reset_before_sequences_state": case(lambda x: layers.GRU(3, reset_after=False, return_sequences=True, return_state=True), inputs=[(2, 6, 4)]),
    "gru_reset_after_backwards": case(lambda x: layers.GRU(3, go_backwards=True, return_sequences=True), inputs=[(2, 5, 2)]),
    "gru_reset_before_backwards": case(lambda x: layers.GRU(3, reset_after=False, go_backwards=True), inputs=[(2, 5, 2)]),
    "gru_no_bias": case(lambda x: layers.GRU(3, use_bias=False), inputs=[(2, 4, 3)]),
    "gru_reset_before_no_bias": case(lambda x: layers.GRU(3, use_bias=False, reset_after=False), inputs=[(2, 4, 3)]),
    "gru_initial_state": case(lambda xs: layers.GRU(3, return_state=True)(xs[0], initial_state=xs[1]), inputs=[(2, 4, 3), (2, 3)]),
    # Bidirectional, every merge mode
    "bidirectional_concat": case(lambda x: layers.Bidirectional(layers.LSTM(3, return_sequences=True)), inputs=[(2, 5, 4)]),
    "bidirectional_sum": case(lambda x: layers.Bidirectional(layers.GRU(3), merge_mode="sum"), inputs=[(2, 5, 4)]),
    "bidirectional_mul": case(lambda x: layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode="mul"), inputs=[(2, 4, 3)]),
    "bidirectional_ave": case(lambda x: layers.Bidirectional(layers.LSTM(2), merge_mode="ave"), inputs=[(2, 4, 3)]),
    "bidirectional_none": case(lambda x: layers.Bidirectional(layers.GRU(2, reset_after=False, return_sequences=True), merge_mode=None), inputs=[(2, 4, 3)]),
    "bidirectional_state": case(lambda x: layers.Bidirectional(layers.LSTM(2, return_state=True)), inputs=[(2, 4, 3)]),
    "bidirectional_none_state": case(lambda x: layers.Bidirectional(layers.GRU(2, return_sequences=True, return_state=True), merge_mode=None), inputs=[(2, 4, 3)]),
    "bidirectional_initial_state": case(lambda xs: layers.Bidirectional(layers.LSTM(2, return_sequences=True))(xs[0], initial_state=xs[1:]), inputs=[(2, 4, 3), (2, 2), (2, 2), (2, 2), (2, 2)]),
    # TimeDistributed
    "time_distributed_dense": case(lambda x: layers.TimeDistributed(layers.Dense(3, activation="relu")), inputs=[(2, 4, 5)]),
    "time_distributed_dense_4d": case(lambda x: layers.TimeDistributed(layers.Dense(2)), inputs=[(2, 3, 4, 5)]),
    # Embedding and masks
    "embedding": case(lambda x: layers.Embedding(10, 4), inputs=[Int((3, 6), 10)]),
    "embedding_2d_ids": case(lambda x: layers.Embedding(7, 3), inputs=[Int((2, 3, 4), 7)]),
    "embedding_mask_lstm": case(lambda x: layers.LSTM(3)(layers.Embedding(10, 4, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_lstm_sequences": case(lambda x: layers.LSTM(3, return_sequences=True, return_state=True)(layers.Embedding(10, 4, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_gru_backwards": case(lambda x: layers.GRU(3, go_backwards=True, return_sequences=True)(layers.Embedding(10, 4, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_stacked": case(lambda x: layers.GRU(2, reset_after=False)(layers.LSTM(3, return_sequences=True)(layers.Embedding(10, 4, mask_zero=True)(x))), inputs=[IDS]),
    "embedding_mask_bidirectional": case(lambda x: layers.Bidirectional(layers.LSTM(2, return_sequences=True))(layers.Embedding(10, 3, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_bidirectional_last": case(lambda x: layers.Bidirectional(layers.GRU(2), merge_mode="sum")(layers.Embedding(10, 3, mask_zero=True)(x)), inputs=[IDS]),
    "embedding_mask_time_distributed": case(lambda x: layers.LSTM(2)(layers.TimeDistributed(layers.Dense(3))(layers.Embedding(10, 4, mask_zero=True)(x))), inputs=[IDS]),
    # No mask after LSTM (last output) and RepeatVector: the second LSTM runs every step, as in Keras.
    "embedding_mask_repeat_vector": case(lambda x: layers.LSTM(3, return_sequences=True)(layers.RepeatVector(7)(layers.LSTM(2)(layers.Embedding(10, 4, mask_zero=True)(x)))), inputs=[IDS]),
    "masking_simple_rnn": case(lambda x: layers.SimpleRNN(3, return_sequences=True)(layers.Masking()(x)), inputs=[SEQ]),
    "masking_lstm_last": case(lambda x: layers.LSTM(3)(layers.Masking()(x)), inputs=[SEQ]),
    "masking_value": case(lambda x: layers.GRU(2, return_sequences=True)(layers.Masking(2.5)(x)), inputs=[SEQ_25]),
}
