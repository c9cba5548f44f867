// keras.datasets.mnist: 60,000 + 10,000 handwritten digits, 28x28, from Keras' mnist.npz.
import tf from "../../tfjs.cjs";
import { readNpz } from "../npz.js";
import { locate, type LoadOptions } from "./fetch_files.js";
import { asDataset, type Dataset } from "./dataset.js";
import { writeMnistNpz } from "../stand_in.js";

export const MNIST_FILE = {
  name: "mnist.npz",
  url: "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
  sha256: "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
};

/** `[[xTrain, yTrain], [xTest, yTest]]`: x [n, 28, 28] with values 0..255, y [n] class indices. */
export async function loadData(options: LoadOptions = {}): Promise<Dataset> {
  const { files, source, standIn } = await locate("mnist", "mnist.loadData", [MNIST_FILE], options, [], (dir) => writeMnistNpz(dir));
  const file = `${source === options.path ? source : MNIST_FILE.name}`;
  const arrays = readNpz(files[MNIST_FILE.name], file);
  for (const key of ["x_train", "y_train", "x_test", "y_test"]) {
    if (!arrays[key]) throw new Error(`mnist.loadData: ${file} has no ${key} array (it has ${Object.keys(arrays).join(", ")})`);
  }
  const images = (key: string) => {
    const a = arrays[key];
    if (a.shape.length !== 3 || a.shape[1] !== 28 || a.shape[2] !== 28) throw new Error(`mnist.loadData: ${key} in ${file} has shape [${a.shape}], expected [n, 28, 28]`);
    return tf.tensor3d(Float32Array.from(a.data as Uint8Array), a.shape as [number, number, number], "float32");
  };
  const labels = (key: string) => tf.tensor1d(Int32Array.from(arrays[key].data as Uint8Array), "int32");
  return asDataset([[images("x_train"), labels("y_train")], [images("x_test"), labels("y_test")]], "MNIST", source, standIn);
}
