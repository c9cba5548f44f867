// tsdl's image pipeline alone: decode + resize of the bench JPEGs (bench/images.ts, about 500x375) to
// 224x224 float batches through flowFromDirectory (batch 10, Keras' default interpolation, nearest), as
// bench/keras_peer.py's `decode` (Keras' load_img path, PIL) and bench/torch_peer.py's `decode` (a
// DataLoader with 2 workers, PIL) do. One pass warms the page cache, the next is measured. One JSON line.
//   node --import tsx bench/data_pipeline.ts --images DIR
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { ImageDataGenerator, ready } from "../src/index.ts";

const { values } = parseArgs({ options: { images: { type: "string" } } });
if (!values.images) throw new Error("bench/data_pipeline.ts: pass --images DIR (the folder bench/images.ts writes)");
await ready();
const pass = async () => {
  const it = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(values.images!, { targetSize: [224, 224], batchSize: 10, shuffle: false, classMode: "categorical" });
  const t0 = performance.now();
  let count = 0;
  for (let i = 0; i < it.length; i++) {
    const { value } = await it.next();
    const [x, y] = value as [tf.Tensor, tf.Tensor];
    count += x.shape[0];
    tf.dispose([x, y]);
  }
  const s = (performance.now() - t0) / 1000;
  await it.dispose();
  return { samplesPerS: count / s, samples: count, seconds: s };
};
await pass();
const decode = await pass();
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(JSON.stringify({ side: "tsdl", workload: "decode", decode, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : null }));
console.error(`  tsdl decode: ${decode.samplesPerS.toFixed(1)} images/s`);
