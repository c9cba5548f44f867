// tsdl's data: Keras datasets, image generators from folders, the cats-and-dogs archive.
import * as mnist from "./datasets/mnist.js";
import * as fashionMnistModule from "./datasets/fashion_mnist.js";
import * as cifar10 from "./datasets/cifar10.js";

export const datasets = { mnist, fashionMnist: fashionMnistModule, fashion_mnist: fashionMnistModule, cifar10 };
export type { Dataset } from "./datasets/dataset.js";
export type { LoadOptions } from "./datasets/fetch_files.js";
export { download, DownloadError } from "./download.js";
export { tsdlHome } from "./home.js";
