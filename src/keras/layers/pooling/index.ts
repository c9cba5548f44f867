// keras.layers: the pooling layers (Keras 3's keras/src/layers/pooling).
export { MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D, MaxPool1D, AvgPool1D, MaxPool2D, AvgPool2D, type Pooling1DOptions, type Pooling2DOptions } from "./pooling.js";
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  type GlobalPoolingOptions,
} from "./global_pooling.js";
export type { DataFormatOption } from "./data_format.js";
