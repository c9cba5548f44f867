// The entry point of `import ... from "tsdl"` (ESM): the whole public surface, with the compute backend
// chosen before the importing module runs, exactly as the notebook kernel chooses it. A script can
// build and train a model on its first line:
//
//   import { keras, layers, backend } from "tsdl";
//   console.log(String(backend()));   // e.g. wasm: WebAssembly with tsdl's kernels ...
//
// `await ready()` still works (it resolves at once). CommonJS `require("tsdl")` gets dist/index.js, which
// cannot wait at import: there, `await tsdl.ready()` comes first. The kernel loads index.js itself and
// chooses the backend while it builds its TypeScript engine.
export * from "./index.js";
import { ready } from "./backend/backend.js";

await ready();
