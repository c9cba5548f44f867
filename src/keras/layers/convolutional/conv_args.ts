// The arguments every convolution layer shares, read as Keras 3 reads them (keras/src/utils/
// argument_validation.py): `3` or `[3, 3]` for a size, "valid" / "same" (/ "causal" for 1-D) padding,
// "channels_last" / "channels_first" data, and the options of the layer's weights.
import { tfjsActivation, type ActivationIdentifier } from "../../activations.js";
import { baseArgs, type BaseLayerOptions, type ConstraintIdentifier, type InitializerIdentifier, type RegularizerIdentifier, weightArgs } from "../common.js";

export type ConvPadding = "valid" | "same" | "causal";
/** Keras' spelling ("channels_last") or tfjs' ("channelsLast"). */
export type DataFormatOption = "channels_last" | "channels_first" | "channelsLast" | "channelsFirst";
export type DataFormat = "channelsLast" | "channelsFirst";

/**
 * What every convolution layer accepts besides its sizes.
 * `activityRegularizer` comes with every layer's base options.
 * Porting note: Conv's `lora_rank` / `lora_alpha` are not offered.
 */
export interface ConvCommonOptions extends BaseLayerOptions {
  /** Step of the window: `1` or one per spatial axis. Default 1. */
  strides?: number | number[];
  /** "valid" (no padding, the default) or "same" (output size ceil(size / strides) per axis). */
  padding?: ConvPadding;
  /**
   * "channels_last" (`[batch, ..., channels]`, the default) or "channels_first" (`[batch, channels, ...]`).
   * Porting note: channels-first data is transposed to channels-last, convolved and transposed back;
   * Keras' TensorFlow backend refuses it on CPU for Conv1D, Conv2D and Conv2DTranspose.
   */
  dataFormat?: DataFormatOption;
  /** Spacing of the window's taps: `1` (the default) or one per spatial axis; only with strides 1 (as Keras). */
  dilationRate?: number | number[];
  /** Activation applied to the output. Default none (linear). */
  activation?: ActivationIdentifier;
  /** Whether the layer adds a bias per output channel. Default true. */
  useBias?: boolean;
  /** Default "zeros". */
  biasInitializer?: InitializerIdentifier;
  /** Default none. */
  biasRegularizer?: RegularizerIdentifier | null;
  /** Default none. */
  biasConstraint?: ConstraintIdentifier | null;
}

/** Options of layers with one `kernel` (Conv1D, Conv2D, Conv2DTranspose). */
export interface KernelOptions {
  /** Default "glorot_uniform". */
  kernelInitializer?: InitializerIdentifier;
  /** Default none. */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** Default none. */
  kernelConstraint?: ConstraintIdentifier | null;
}

/** `3` -> [3, 3]; `[3, 2]` stays; anything else is an error naming the layer, the option and the value. */
export function intTuple(v: number | number[] | undefined, n: number, where: string, option: string, allowZero = false): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const t = typeof v === "number" ? new Array<number>(n).fill(v) : Array.isArray(v) ? [...v] : undefined;
  const ok = (d: number) => Number.isInteger(d) && (allowZero ? d >= 0 : d > 0);
  if (!t || t.length !== n || !t.every(ok)) {
    const what = allowZero ? "a non-negative integer" : "a positive integer";
    throw new Error(`${where}: ${option} must be ${what} or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return t;
}

/** Keras' padding names, case-insensitive; an unknown one lists the accepted ones. */
export function convPadding(v: string | undefined, where: string, allowCausal: boolean): ConvPadding {
  if (v === undefined || v === null) return "valid";
  const allowed: ConvPadding[] = allowCausal ? ["valid", "same", "causal"] : ["valid", "same"];
  const p = typeof v === "string" ? (v.toLowerCase() as ConvPadding) : undefined;
  if (!p || !allowed.includes(p)) {
    const names = allowed.map((a) => JSON.stringify(a));
    throw new Error(`${where}: padding must be ${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}, got ${JSON.stringify(v)}`);
  }
  return p;
}

export function dataFormat(v: string | undefined, where: string): DataFormat {
  if (v === undefined || v === null) return "channelsLast";
  const f = typeof v === "string" ? v.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : v;
  if (f !== "channelsLast" && f !== "channelsFirst") {
    throw new Error(`${where}: dataFormat must be "channels_last" or "channels_first", got ${JSON.stringify(v)}`);
  }
  return f;
}

/** Keras refuses strides > 1 together with dilation > 1 for Conv and ConvTranspose layers. */
export function checkStridesWithDilation(strides: number[], dilation: number[], where: string): void {
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new Error(`${where}: strides > 1 are not supported together with dilationRate > 1, got strides ${JSON.stringify(strides)} and dilationRate ${JSON.stringify(dilation)}`);
  }
}

/** A transposed convolution's outputPadding: each entry less than its stride (Keras' error otherwise). */
export function checkOutputPadding(outputPadding: number[] | undefined, strides: number[], where: string): void {
  if (!outputPadding || outputPadding.every((p, i) => p < strides[i])) return;
  const axes = strides.length > 1 ? " on every axis" : "";
  throw new Error(`${where}: outputPadding must be less than strides${axes}, got outputPadding ${JSON.stringify(outputPadding)} with strides ${JSON.stringify(strides)}`);
}

export function positiveInteger(v: unknown, where: string, option: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new Error(`${where}: ${option} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * The tfjs arguments every convolution layer passes: Keras' name, sizes, padding, data format,
 * activation, bias options and the weights' options named in `weights` (with Keras' defaults).
 */
export function convArgs(
  className: string,
  where: string,
  o: ConvCommonOptions,
  rank: number,
  kernelSize: number[],
  weights: Record<string, string>,
  allowCausal = false,
): Record<string, unknown> {
  const strides = intTuple(o.strides, rank, where, "strides") ?? new Array<number>(rank).fill(1);
  const dilationRate = intTuple(o.dilationRate, rank, where, "dilationRate") ?? new Array<number>(rank).fill(1);
  return {
    ...baseArgs(className, o),
    kernelSize,
    strides,
    dilationRate,
    padding: convPadding(o.padding, where, allowCausal),
    dataFormat: dataFormat(o.dataFormat, where),
    activation: tfjsActivation(o.activation, where),
    useBias: o.useBias ?? true,
    ...weightArgs(o, where, { ...weights, bias: "zeros" }),
  };
}
