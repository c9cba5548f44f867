// keras.datasets.fashion_mnist: Zalando's 70,000 clothing images, 28x28, 10 classes, gzipped IDX files.
// Debian's dataset-fashion-mnist package installs the real files; they are used without downloading.
import tf from "../../tfjs.cjs";
import { parseIdx } from "../idx.js";
import { locate, type LoadOptions } from "./fetch_files.js";
import { asDataset, type Dataset } from "./dataset.js";
import { writeIdxDataset } from "../stand_in.js";

const BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";
/** Porting note: Keras pins no checksums for these files; the IDX structure (magic, sizes) is checked. */
export const FASHION_MNIST_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((name) => ({ name, url: BASE + name }));

export const DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

export const CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** Reads an images/labels pair of IDX files into tensors, checking they agree. */
export function idxPair(images: Buffer, labels: Buffer, imagesName: string, labelsName: string): [tf.Tensor, tf.Tensor] {
  const x = parseIdx(images, imagesName);
  const y = parseIdx(labels, labelsName);
  if (x.shape.length !== 3) throw new Error(`${imagesName}: expected images [n, rows, cols], got [${x.shape}]`);
  if (y.shape.length !== 1 || y.shape[0] !== x.shape[0]) throw new Error(`${labelsName}: expected ${x.shape[0]} labels, got [${y.shape}]`);
  return [tf.tensor3d(Float32Array.from(x.data), x.shape as [number, number, number], "float32"), tf.tensor1d(Int32Array.from(y.data), "int32")];
}

/** `[[xTrain, yTrain], [xTest, yTest]]`: x [n, 28, 28] with values 0..255, y [n] class indices. */
export async function loadData(options: LoadOptions = {}): Promise<Dataset> {
  const { files, source, standIn } = await locate("fashion-mnist", "fashionMnist.loadData", FASHION_MNIST_FILES, options, [DEBIAN_FASHION_MNIST], (dir) => writeIdxDataset(dir));
  const [trainLabels, trainImages, testLabels, testImages] = FASHION_MNIST_FILES.map((f) => f.name);
  const train = idxPair(files[trainImages], files[trainLabels], trainImages, trainLabels);
  const test = idxPair(files[testImages], files[testLabels], testImages, testLabels);
  return asDataset([train, test], "Fashion-MNIST", source, standIn);
}
