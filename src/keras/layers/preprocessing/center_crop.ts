// CenterCrop: the centred [height, width] window of each image, as Keras 3's
// keras/src/layers/preprocessing/image_preprocessing/center_crop.py. An image smaller than the target
// on either side is instead cropped to the target's aspect ratio and resized bilinearly (Keras'
// smart_resize). The output is float.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { asBatchNHWC, checkImageShape, firstShape, hwAxes, imageDataFormat, type ImageDataFormat } from "./image_common.js";
import { aspectCrop, positiveSize, resizeNHWC } from "./resizing.js";

export interface CenterCropOptions extends BaseLayerOptions {
  /** Output height (when not given first). */
  height?: number;
  /** Output width. */
  width?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

interface CenterCropArgs extends BaseLayerOptions {
  height: number;
  width: number;
  dataFormat: ImageDataFormat;
}

export class CenterCropLayer extends tf.layers.Layer {
  static className = "CenterCrop";
  readonly height: number;
  readonly width: number;
  readonly dataFormat: ImageDataFormat;

  constructor(args: CenterCropArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.height = args.height;
    this.width = args.width;
    this.dataFormat = imageDataFormat(args.dataFormat, "CenterCrop"); // a loaded config has "channelsLast"
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    checkImageShape(x.shape, `CenterCrop "${this.name}"`);
    return asBatchNHWC(x, this.dataFormat, (img) => {
      const [, h, w] = img.shape;
      const [dh, dw] = [h - this.height, w - this.width];
      if (dh >= 0 && dw >= 0) return tf.slice(img, [0, Math.floor(dh / 2), Math.floor(dw / 2), 0], [-1, this.height, this.width, -1]);
      const c = aspectCrop(h, w, this.height, this.width, false);
      return resizeNHWC(tf.slice(img, [0, c.top, c.left, 0], [-1, c.height, c.width, -1]), this.height, this.width, "bilinear");
    });
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape).slice();
    checkImageShape(shape, `CenterCrop "${this.name}"`);
    const [ha, wa] = hwAxes(shape.length, this.dataFormat);
    shape[ha] = this.height;
    shape[wa] = this.width;
    return shape;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, dataFormat: this.dataFormat };
  }
}
tf.serialization.registerClass(CenterCropLayer);

/** `CenterCrop(height, width)` or `CenterCrop({ height, width })`. */
export function CenterCrop(height: number | CenterCropOptions, width?: number, options: CenterCropOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof height === "object" ? height : { ...options, height, width };
  return callable(
    new CenterCropLayer({
      ...baseArgs("CenterCrop", o),
      height: positiveSize(o.height, "CenterCrop", "height"),
      width: positiveSize(o.width, "CenterCrop", "width"),
      dataFormat: imageDataFormat(o.dataFormat, "CenterCrop"),
    }),
  );
}
