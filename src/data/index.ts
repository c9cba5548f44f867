// tsdl's data: Keras datasets, image generators from folders, the cats-and-dogs archive.
import * as mnist from "./datasets/mnist.js";
import * as fashionMnistModule from "./datasets/fashion_mnist.js";
import * as cifar10 from "./datasets/cifar10.js";
import * as catsVsDogs from "./datasets/cats_vs_dogs.js";
import * as imdb from "./datasets/imdb.js";
import * as standInModule from "./stand_in.js";
import { newless } from "../newless.js";
import { ImageDataGenerator as ImageDataGeneratorClass } from "./image_data_generator.js";
import { imageDatasetFromDirectory } from "./image_dataset.js";
import { timeseriesDatasetFromArray } from "./timeseries_dataset.js";
import { loadImg, imgToArray, arrayToImg, saveImg } from "./load_img.js";

export const datasets = { mnist, fashionMnist: fashionMnistModule, fashion_mnist: fashionMnistModule, cifar10, imdb, catsVsDogs };

/** Keras' `preprocessing.image.ImageDataGenerator`, callable with or without `new` as in Keras (`ImageDataGenerator({ rescale: 1 / 255 })`). */
export const ImageDataGenerator = newless(ImageDataGeneratorClass);
export type ImageDataGenerator = ImageDataGeneratorClass;

export const preprocessing = { image: { ImageDataGenerator, loadImg, imgToArray, arrayToImg, saveImg }, imageDatasetFromDirectory, timeseriesDatasetFromArray };

/** Generated files in the real formats, for tests and for notebooks whose dataset is not on this machine. Not real data. */
export const standIn = standInModule;
export { DirectoryIterator, ArrayIterator, type ImageDataGeneratorOptions, type FlowFromDirectoryOptions, type FlowOptions, type ClassMode } from "./image_data_generator.js";
export type { SmallData, SmallDataOptions } from "./datasets/cats_vs_dogs.js";
export type { Dataset } from "./datasets/dataset.js";
export type { ImdbDataset, ImdbOptions } from "./datasets/imdb.js";
export type { LoadOptions } from "./datasets/fetch_files.js";
export { download, DownloadError } from "./download.js";
export { tsdlHome } from "./home.js";
export { timeseriesDatasetFromArray, type TimeseriesDatasetOptions } from "./timeseries_dataset.js";
export { imageDatasetFromDirectory, IMAGE_DATASET_FORMATS, type ImageDatasetOptions, type ImageDatasetResult, type LabelMode, type Interpolation } from "./image_dataset.js";
export { BatchDataset, type Element, type DatasetInfo } from "./batch_dataset.js";
