// Keras' `data_format` option of the pooling and reshaping layers: where the channels axis is.
import tf from "../../../tfjs.cjs";

/**
 * Keras' spellings ("channels_last", "channels_first") and tfjs' ("channelsLast", "channelsFirst",
 * which saved tfjs models use). Porting note: Keras' default comes from `keras.config.image_data_format()`;
 * tsdl has no such setting, so the default is always "channels_last" (Keras' own default).
 */
export type DataFormatOption = "channels_last" | "channels_first" | "channelsLast" | "channelsFirst";

/** How the layers store it (tfjs' spelling, so that configs load in tfjs too). */
export type DataFormat = "channelsLast" | "channelsFirst";

/** Parses a data format option; unknown values are an error naming the layer and the accepted values. */
export function dataFormat(v: string | undefined, where: string): DataFormat {
  if (v === undefined || v === null) return "channelsLast";
  const s = String(v).replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (s !== "channelsLast" && s !== "channelsFirst") {
    throw new Error(`${where}: dataFormat must be "channels_last" or "channels_first", got ${JSON.stringify(v)}`);
  }
  return s;
}

/** [batch, channels, ...spatial] -> [batch, ...spatial, channels]; channels-last input unchanged. */
export function toChannelsLast<T extends tf.Tensor>(x: T, format: DataFormat): T {
  if (format === "channelsLast") return x;
  const r = x.rank;
  return tf.transpose(x, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]) as T;
}

/** [batch, ...spatial, channels] -> [batch, channels, ...spatial]; channels-last output unchanged. */
export function fromChannelsLast<T extends tf.Tensor>(y: T, format: DataFormat): T {
  if (format === "channelsLast") return y;
  const r = y.rank;
  return tf.transpose(y, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]) as T;
}

/** The spatial axes of a shape of rank `rank` (1 .. rank-2 channels last, 2 .. rank-1 channels first). */
export function spatialAxes(rank: number, format: DataFormat): number[] {
  const first = format === "channelsLast" ? 1 : 2;
  return Array.from({ length: rank - 2 }, (_, i) => first + i);
}
