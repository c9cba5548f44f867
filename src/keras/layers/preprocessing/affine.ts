// The projective image transform of RandomRotation, RandomZoom and RandomTranslation: TensorFlow's
// ImageProjectiveTransformV3, which keras.ops.image.affine_transform runs. For each output pixel
// (x, y) and transform [a0, a1, a2, b0, b1, b2, c0, c1], with k = c0 x + c1 y + 1, the input is read
// at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), that point mapped into the image by the fill
// mode and then read by nearest (round half away from zero) or bilinear interpolation, fill_value
// where a read falls outside the image.
//
// The sampling taps (which input pixel, what weight) are computed here in JavaScript (sampling.ts);
// the gradient is their exact adjoint, so a transform inside a model trains (TensorFlow's gradient
// applies the inverse transform instead: close, not equal).
import tf from "../../../tfjs.cjs";
import { emptyTaps, putTap, sampleTaps, type Taps } from "./sampling.js";

export const FILL_MODES = ["reflect", "wrap", "constant", "nearest"] as const;
export const INTERPOLATIONS = ["bilinear", "nearest"] as const;
export type FillMode = (typeof FILL_MODES)[number];
export type Interpolation = (typeof INTERPOLATIONS)[number];

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

const f32 = Math.fround;

/**
 * TensorFlow's map_coord: a coordinate outside [0, len - 1] brought inside by the fill mode, in
 * float32 arithmetic as TensorFlow's kernel (near the edges a rounding decides which side a point wraps to).
 */
export function mapCoord(c: number, len: number, mode: FillMode): number {
  if (mode === "constant") return c;
  if (mode === "nearest") return clamp(c, 0, len - 1);
  let v = c;
  if (mode === "reflect") {
    // [abcd] -> [dcba|abcd|dcba]
    if (v < 0) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        if (v < sz2) v = f32(sz2 * Math.trunc(f32(-v / sz2)) + v);
        v = v < -len ? f32(v + sz2) : f32(-v - 1);
      }
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        v = f32(v - sz2 * Math.trunc(f32(v / sz2)));
        if (v >= len) v = f32(f32(sz2 - v) - 1);
      }
    }
  } else {
    // wrap: [abcd] -> [abcd|abcd|abcd]
    if (v < 0) {
      if (len <= 1) v = 0;
      else v = f32(v + len * (Math.trunc(f32(-v / (len - 1))) + 1));
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else v = f32(v - len * Math.trunc(f32(v / (len - 1))));
    }
  }
  return clamp(v, 0, len - 1);
}

const roundHalfAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

function affineTaps(batch: number, h: number, w: number, transforms: readonly (readonly number[])[], interpolation: Interpolation, mode: FillMode): Taps {
  const k = interpolation === "bilinear" ? 4 : 1;
  const t = emptyTaps(batch * h * w, k, h, w);
  for (let b = 0; b < batch; b++) {
    // The transform in float32, and the coordinates in float32 arithmetic, as TensorFlow's kernel.
    const m = (transforms.length === 1 ? transforms[0] : transforms[b]).map(f32);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = (b * h + y) * w + x;
        const proj = f32(f32(f32(m[6] * x) + f32(m[7] * y)) + 1);
        if (proj === 0) {
          t.fill[p] = 1; // a point at infinity: outside the image
          continue;
        }
        const ix = mapCoord(f32(f32(f32(f32(m[0] * x) + f32(m[1] * y)) + m[2]) / proj), w, mode);
        const iy = mapCoord(f32(f32(f32(f32(m[3] * x) + f32(m[4] * y)) + m[5]) / proj), h, mode);
        if (k === 1) {
          putTap(t, p, 0, b, roundHalfAway(iy), roundHalfAway(ix), 1, h, w);
        } else {
          const y0 = Math.floor(iy);
          const x0 = Math.floor(ix);
          const fy = iy - y0;
          const fx = ix - x0;
          putTap(t, p, 0, b, y0, x0, (1 - fy) * (1 - fx), h, w);
          putTap(t, p, 1, b, y0, x0 + 1, (1 - fy) * fx, h, w);
          putTap(t, p, 2, b, y0 + 1, x0, fy * (1 - fx), h, w);
          putTap(t, p, 3, b, y0 + 1, x0 + 1, fy * fx, h, w);
        }
      }
    }
  }
  return t;
}

/**
 * `images` [batch, height, width, channels] (float) transformed by one 8-number transform per image
 * (or one for all), as TensorFlow's ImageProjectiveTransformV3; differentiable in `images`.
 */
export function affineTransform(
  images: tf.Tensor4D,
  transforms: readonly (readonly number[])[],
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue: number,
): tf.Tensor4D {
  const [batch, h, w] = images.shape;
  if (transforms.length !== 1 && transforms.length !== batch) throw new Error(`affineTransform: ${transforms.length} transforms for ${batch} images`);
  return sampleTaps(images, () => affineTaps(batch, h, w, transforms, interpolation, fillMode), fillValue);
}

/**
 * Keras' _compute_affine_matrix for a rotation by `degrees` (counter-clockwise) about the image
 * centre, in float32 as Keras computes it.
 */
export function rotationMatrix(degrees: number, h: number, w: number): number[] {
  const angle = f32(f32(degrees) * f32(Math.PI / 180));
  const cx = f32(0.5 * (w - 1));
  const cy = f32(0.5 * (h - 1));
  const cos = f32(Math.cos(angle));
  const sin = f32(Math.sin(angle));
  const [a0, a1, b0, b1] = [cos, -sin, sin, cos];
  const a2 = f32(f32(cx - f32(cx * a0)) - f32(cy * a1));
  const b2 = f32(f32(cy - f32(cx * b0)) - f32(cy * b1));
  return [a0, a1, a2, b0, b1, b2, 0, 0];
}

/** Keras' RandomZoom._get_zoom_matrix (float32): zoom factors per axis (above 1 zooms out), about the centre. */
export function zoomMatrix(heightZoom: number, widthZoom: number, h: number, w: number): number[] {
  const [hz, wz] = [f32(heightZoom), f32(widthZoom)];
  return [wz, 0, f32(f32((w - 1) / 2) * f32(1 - wz)), 0, hz, f32(f32((h - 1) / 2) * f32(1 - hz)), 0, 0];
}

/** Keras' RandomTranslation._get_translation_matrix: shifts in pixels (right and down positive). */
export function translationMatrix(dy: number, dx: number): number[] {
  return [1, 0, -f32(dx), 0, 1, -f32(dy), 0, 0];
}

/** The options of the transforming layers: fill mode (default "reflect"), interpolation (default "bilinear"), fill value (default 0). */
export interface AffineOptions {
  /** How points outside the image are filled: "reflect" (default), "wrap", "constant" or "nearest". */
  fillMode?: string;
  /** "bilinear" (default) or "nearest". */
  interpolation?: string;
  /** The value for fillMode "constant". Default 0. */
  fillValue?: number;
}

export function affineOptions(o: AffineOptions, where: string): { fillMode: FillMode; interpolation: Interpolation; fillValue: number } {
  const pick = <T extends string>(v: unknown, accepted: readonly T[], fallback: T, option: string): T => {
    if (v === undefined) return fallback;
    if (!(accepted as readonly unknown[]).includes(v)) throw new Error(`${where}: unknown ${option} ${JSON.stringify(v)}; expected one of ${accepted.map((a) => JSON.stringify(a)).join(", ")}`);
    return v as T;
  };
  if (o.fillValue !== undefined && !(typeof o.fillValue === "number" && Number.isFinite(o.fillValue))) throw new Error(`${where}: fillValue must be a number, got ${JSON.stringify(o.fillValue)}`);
  return { fillMode: pick(o.fillMode, FILL_MODES, "reflect", "fillMode"), interpolation: pick(o.interpolation, INTERPOLATIONS, "bilinear", "interpolation"), fillValue: o.fillValue ?? 0 };
}
