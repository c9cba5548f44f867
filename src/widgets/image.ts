// Image (ipywidgets' Image): bytes of an image file; its value travels as a binary buffer.
import { DOMWidget, type DOMWidgetOptions } from "./domwidget.js";
import { Widget } from "./widget.js";

export interface ImageOptions extends DOMWidgetOptions {
  value?: Uint8Array;
  format?: string;
  width?: string;
  height?: string;
}
export interface Image {
  value: Uint8Array;
  format: string;
  width: string;
  height: string;
}
export class Image extends DOMWidget {
  static spec = Widget.extend(DOMWidget.spec, { modelName: "ImageModel", viewName: "ImageView", traits: { value: () => new Uint8Array(0), format: "png", width: "", height: "" } });
  constructor(options: ImageOptions = {}) {
    super(options);
  }
  protected validate(name: string, value: unknown): unknown {
    if (name === "value") {
      if (!(value instanceof Uint8Array)) throw new TypeError(`Image: value must be a Uint8Array (the image file's bytes), got ${typeof value}`);
      return value;
    }
    return super.validate(name, value);
  }
}
