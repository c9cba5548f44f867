// Builds tsdl's optional native kernels (native/, oneDNN) with node-gyp when Debian's libdnnl-dev is
// installed. Never fails the build: without them tsdl runs on its WebAssembly kernels and says so.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";

const root = resolve(import.meta.dirname, "..");
const header = ["/usr/include/dnnl.h", "/usr/local/include/dnnl.h"].find(existsSync);
if (!header) {
  console.log("native kernels: skipped (install Debian's libdnnl-dev to build them; tsdl runs on wasm without)");
  process.exit(0);
}
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  candidates.push(join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {}
  return candidates.find(existsSync);
}
const gyp = nodeGyp();
if (!gyp) {
  console.log("native kernels: skipped (node-gyp not found)");
  process.exit(0);
}
const nodedir = existsSync("/usr/include/node/node_api.h") ? ["--nodedir=/usr"] : [];
try {
  execFileSync(process.execPath, [gyp, "rebuild", `--directory=${join(root, "native")}`, ...nodedir], { stdio: ["ignore", "ignore", "pipe"] });
  console.log(`native kernels: built ${join("native", "build", "Release", "tsdl_native.node")} against oneDNN`);
} catch (e) {
  const lines = String(e.stderr ?? e.message).split("\n").filter(Boolean);
  const why = lines.filter((l) => /error:/.test(l)).slice(0, 3);
  console.log(`native kernels: build failed, tsdl will run on wasm (${(why.length ? why : lines.slice(-3)).join(" | ")})`);
}
