// The seed workloads npm run bench runs, at the articles' shapes and batch sizes, and their FLOPs,
// counted analytically from the layers: 2 x multiply-adds of every Dense and Conv2D (batch norm,
// pooling, activations and the optimizer are not counted; they are a few percent at most here).
// Training = forward + the weight gradients (as many FLOPs as the forward) + the input gradients (as
// many again, except for a layer fed by the data itself, whose input gradient nobody needs).

export type WorkloadName = "mlp003" | "mlp004bn" | "mlp004" | "cnn002" | "logistic000" | "wide000" | "deep000";

interface Layer {
  /** multiply-adds per sample */
  macs: number;
  /** the layer's input is the data (no input gradient) */
  first: boolean;
}

export interface Workload {
  seed: string;
  title: string;
  batch: number;
  inputShape: number[];
  classes: number;
  /** sparse integer labels (else one-hot) */
  sparseLabels: boolean;
  /** trained from flowFromDirectory on the bench images (else from memory) */
  fromDirectory: boolean;
  /** batches of in-memory data the measured epochs cycle over */
  poolBatches: number;
  layers: Layer[];
}

const dense = (i: number, o: number, first = false): Layer => ({ macs: i * o, first });
/** Conv2D on an h x w output, k x k kernel. */
const conv = (h: number, w: number, k: number, cin: number, cout: number, first = false): Layer => ({ macs: h * w * k * k * cin * cout, first });

function deepConvs(): Layer[] {
  const out: Layer[] = [];
  let s = 224;
  let cin = 3;
  for (let i = 0; i < 7; i++) {
    out.push(conv(s, s, 2, cin, 20)); // padding "same"
    cin = 20;
    s = Math.floor(s / 2); // MaxPooling2D(2), "valid"
  }
  return [...out, dense(s * s * 20, 2)];
}

export const WORKLOADS: Record<WorkloadName, Workload> = {
  mlp003: { seed: "003", title: "seed 003 MLP (BN, SGD Nesterov)", batch: 32, inputShape: [28, 28], classes: 10, sparseLabels: true, fromDirectory: false, poolBatches: 20, layers: [dense(784, 300, true), dense(300, 200), dense(200, 100), dense(100, 10)] },
  mlp004bn: { seed: "004", title: "seed 004 MLP with BN (Adam)", batch: 32, inputShape: [28, 28], classes: 10, sparseLabels: true, fromDirectory: false, poolBatches: 20, layers: [dense(784, 128, true), dense(128, 64), dense(64, 10)] },
  mlp004: { seed: "004", title: "seed 004 MLP without BN (Adam)", batch: 32, inputShape: [28, 28], classes: 10, sparseLabels: true, fromDirectory: false, poolBatches: 20, layers: [dense(784, 128, true), dense(128, 64), dense(64, 10)] },
  cnn002: { seed: "002", title: "seed 002 CNN (CIFAR-10 shape, BN, Adam)", batch: 32, inputShape: [32, 32, 3], classes: 10, sparseLabels: false, fromDirectory: false, poolBatches: 4, layers: [conv(30, 30, 3, 3, 32), conv(30, 30, 3, 32, 32), conv(15, 15, 3, 32, 64), dense(7 * 7 * 64, 512), dense(512, 10)] },
  logistic000: { seed: "000/001", title: "seed 000 logistic (BN + Dense, 224x224 JPEGs)", batch: 10, inputShape: [224, 224, 3], classes: 2, sparseLabels: false, fromDirectory: true, poolBatches: 10, layers: [dense(224 * 224 * 3, 2)] },
  wide000: { seed: "000/001", title: "seed 000 wide (Conv2D(100, 2x2) + MaxPooling(16), 224x224 JPEGs)", batch: 10, inputShape: [224, 224, 3], classes: 2, sparseLabels: false, fromDirectory: true, poolBatches: 10, layers: [conv(223, 223, 2, 3, 100), dense(13 * 13 * 100, 2)] },
  deep000: { seed: "000/001", title: "seed 000 deep (7x Conv2D(20, 2x2, same) + MaxPooling(2), 224x224 JPEGs)", batch: 10, inputShape: [224, 224, 3], classes: 2, sparseLabels: false, fromDirectory: true, poolBatches: 10, layers: deepConvs() },
};

/** FLOPs per sample: inference (the forward pass) and one training step. */
export function flopsPerSample(w: Workload): { infer: number; train: number } {
  const fwd = w.layers.reduce((s, l) => s + 2 * l.macs, 0);
  const dgrad = w.layers.reduce((s, l) => s + (l.first ? 0 : 2 * l.macs), 0);
  return { infer: fwd, train: 2 * fwd + dgrad };
}
