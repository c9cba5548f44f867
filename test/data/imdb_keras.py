"""Writes small files in the real formats of Keras' IMDB dataset and what Keras 3 loads from them.

python imdb_keras.py OUT_DIR  (reads a JSON list of load_data option dicts on stdin)
  OUT_DIR/imdb.npz            object arrays of word-index lists, int64 labels (np.savez, as Keras' file)
  OUT_DIR/imdb_p{0,2,4}.npz   the same with the reviews pickled at protocols 0, 2 and 4
  OUT_DIR/imdb_word_index.json
Prints a JSON list: for each option dict, Keras' (x_train, y_train), (x_test, y_test).
"""
import io, json, os, pickle, sys, zipfile
import numpy as np
import keras.src.datasets.imdb as imdb

out = sys.argv[1]
r = np.random.RandomState(7)

def reviews(n):
    a = np.empty(n, dtype=object)
    for i in range(n):
        a[i] = [int(w) for w in r.zipf(1.3, r.randint(3, 40)) if w < 5000]
        if not a[i]:
            a[i] = [1]
    return a

x_train, x_test = reviews(60), reviews(40)
y_train, y_test = r.randint(0, 2, 60).astype("int64"), r.randint(0, 2, 40).astype("int64")
np.savez(os.path.join(out, "imdb.npz"), x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
for protocol in (0, 2, 4):
    with zipfile.ZipFile(os.path.join(out, f"imdb_p{protocol}.npz"), "w") as z:
        for name, arr in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
            buf = io.BytesIO()
            if arr.dtype == object:  # np.save pickles at protocol 4 now; older NumPy (Keras' file) wrote older ones
                np.lib.format.write_array_header_1_0(buf, np.lib.format.header_data_from_array_1_0(arr))
                pickle.dump(arr, buf, protocol=protocol)
            else:
                np.lib.format.write_array(buf, arr)
            z.writestr(name + ".npy", buf.getvalue())
with open(os.path.join(out, "imdb_word_index.json"), "w") as f:
    json.dump({"the": 1, "and": 2, "a": 3, "film": 17}, f)

imdb.get_file = lambda **kw: os.path.join(out, "imdb.npz")  # no download: the file above
results = []
for options in json.load(sys.stdin):
    (xa, ya), (xb, yb) = imdb.load_data(**options)
    results.append({"x_train": [list(map(int, s)) for s in xa], "y_train": ya.tolist(), "x_test": [list(map(int, s)) for s in xb], "y_test": yb.tolist()})
print(json.dumps(results))
