// TensorFlow.js for tsdl's ES modules: `import tf from "../tfjs.cjs"` gives the very object that
// `require("@tensorflow/tfjs")` returns, with its types (a namespace, as `import * as tf` would).
//
// Why not `import * as tf from "@tensorflow/tfjs"`: tfjs is CommonJS, and for every CommonJS module an
// ES module imports, Node scans its source for the names it exports (cjs-module-lexer), following each
// re-export. For tfjs that is 7 MB of JavaScript (core, layers, converter, data and two backends) and
// about 270 ms of every kernel start and every script's import. This file re-exports tfjs in a way that
// the scan does not follow, so Node reads these few lines instead.
import tf = require("@tensorflow/tfjs");
export = tf;
