// keras.datasets.cifar10: 60,000 32x32 colour images in 10 classes.
// Porting note: Keras downloads the Python-pickle archive; tsdl reads the same data from the canonical
// binary archive (cifar-10-binary.tar.gz: per image 1 label byte then 3072 bytes, channels first).
import tf from "../../tfjs.cjs";
import { readTar } from "../tar.js";
import { locate, type LoadOptions } from "./fetch_files.js";
import { asDataset, type Dataset } from "./dataset.js";
import { writeCifar10TarGz } from "../stand_in.js";

export const CIFAR10_FILE = {
  name: "cifar-10-binary.tar.gz",
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  md5: "c32a1d4ab5d03f1284b67883e8d87530",
};

export const CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

const RECORD = 1 + 32 * 32 * 3;

/** Decodes CIFAR-10 binary batches (label + CHW pixels) into x [n, 32, 32, 3] and y [n, 1]. */
export function decodeBatches(batches: { name: string; data: Buffer }[]): [tf.Tensor, tf.Tensor] {
  const n = batches.reduce((s, b) => {
    if (b.data.length % RECORD !== 0) throw new Error(`${b.name}: truncated CIFAR-10 batch (${b.data.length} bytes is not a multiple of ${RECORD})`);
    return s + b.data.length / RECORD;
  }, 0);
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  let i = 0;
  for (const b of batches) {
    for (let r = 0; r < b.data.length; r += RECORD, i++) {
      y[i] = b.data[r];
      if (y[i] > 9) throw new Error(`${b.name}: label ${y[i]} at record ${r / RECORD} is not a CIFAR-10 class (0..9)`);
      for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) x[i * 3072 + p * 3 + c] = b.data[r + 1 + c * 1024 + p];
    }
  }
  return [tf.tensor4d(x, [n, 32, 32, 3], "float32"), tf.tensor2d(y, [n, 1], "int32")];
}

/** `[[xTrain, yTrain], [xTest, yTest]]`: x [n, 32, 32, 3] with values 0..255, y [n, 1] class indices. */
export async function loadData(options: LoadOptions = {}): Promise<Dataset> {
  const { files, source, standIn } = await locate("cifar10", "cifar10.loadData", [CIFAR10_FILE], options, [], (dir) => writeCifar10TarGz(dir));
  const entries = readTar(files[CIFAR10_FILE.name], CIFAR10_FILE.name);
  const pick = (re: RegExp) => entries.filter((e) => re.test(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  const trainFiles = pick(/data_batch_[1-5]\.bin$/);
  const testFiles = pick(/test_batch\.bin$/);
  if (!trainFiles.length || !testFiles.length) {
    throw new Error(`cifar10.loadData: ${CIFAR10_FILE.name} from ${source} lacks data_batch_*.bin or test_batch.bin (it has ${entries.map((e) => e.name).join(", ")})`);
  }
  return asDataset([decodeBatches(trainFiles), decodeBatches(testFiles)], "CIFAR-10", source, standIn);
}
