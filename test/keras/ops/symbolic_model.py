# The Keras side of test/keras/ops/symbolic.test.ts: a functional model whose middle is keras.ops on
# symbolic tensors, with the weights, inputs and targets given on stdin; prints its predictions, one
# epoch of SGD's loss and the weights after it, as JSON.
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import ops, layers  # noqa: E402

d = json.load(sys.stdin)
x = keras.Input((4,))
h = layers.Dense(3)(x)
y = ops.add(ops.multiply(h, 2.0), 1.0)
b = ops.concatenate([ops.relu(y), ops.square(h)], -1)
s = ops.sum(b, axis=-1, keepdims=True)
parts = ops.split(b, 2, axis=-1)
m = ops.maximum(parts[0], parts[1])
out = layers.Dense(1)(ops.concatenate([ops.tanh(m), ops.log1p(s)], axis=1))
model = keras.Model(x, out)
model.set_weights([np.array(w, dtype="float32") for w in d["weights"]])
xs = np.array(d["x"], dtype="float32")
ys = np.array(d["y"], dtype="float32")
pred = model.predict(xs, verbose=0)
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
hist = model.fit(xs, ys, batch_size=4, epochs=1, shuffle=False, verbose=0)
print(json.dumps({
    "pred": pred.reshape(-1).tolist(),
    "loss": hist.history["loss"],
    "weights": [w.reshape(-1).tolist() for w in model.get_weights()],
}))
