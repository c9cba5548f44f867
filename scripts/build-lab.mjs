// Builds tsdl's JupyterLab extension (lab/) into dist/labextension/: a prebuilt ("federated") extension
// made by JupyterLab's builder (@jupyter/builder, against @jupyterlab/core-meta 4.6.6, the core that
// JupyterLab 4.6.6 ships), which `tsdl install` copies into share/jupyter/labextensions/. Installs
// lab's npm packages first when they are missing or out of date (npm ci: lab/package-lock.json pins
// them). Also puts plotly.min.js beside the bundle: the server serves it to the HTML figures of front
// ends without the extension. Fails loudly: the notebooks' Plotly figures need it.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const lab = join(root, "lab");
const out = join(root, "dist", "labextension");
const started = Date.now();
const step = (what) => console.log(`lab extension: ${what}`);
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...options });

// 1. lab's npm packages (the builder, JupyterLab's interfaces, Lumino), as lab/package-lock.json pins them.
const lock = join(lab, "package-lock.json");
const installed = join(lab, "node_modules", ".package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  step("installing lab/'s npm packages (npm ci, about 120 MB)");
  const npm = process.env.npm_execpath && process.env.npm_execpath.endsWith(".js") ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
  run(npm[0], [...npm[1], "ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: lab });
}

// 2. TypeScript (the project's compiler) to lab/lib/, then the federated bundle.
step("compiling lab/src");
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
run(process.execPath, [tsc, "-p", join(lab, "tsconfig.json")]);
step("bundling with @jupyter/builder (rspack, production)");
rmSync(out, { recursive: true, force: true });
const builder = join(lab, "node_modules", "@jupyter", "builder", "lib", "build-labextension.js");
const core = join(lab, "node_modules", "@jupyterlab", "core-meta", "core.package.json");
const log = execFileSync(process.execPath, [builder, "--core-package-file", core, lab], { cwd: lab, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
if (!/compiled/.test(log)) throw new Error(`lab extension: the builder said:\n${log}`);

// 3. plotly.min.js for the HTML fallback of figures, served at /lab/extensions/tsdl-jupyterlab/static/.
const plotly = createRequire(join(root, "package.json")).resolve("plotly.js-dist-min/plotly.min.js");
copyFileSync(plotly, join(out, "static", "plotly.min.js"));

const meta = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
if (!meta.jupyterlab?._build?.load || !existsSync(join(out, meta.jupyterlab._build.load))) throw new Error("lab extension: the build wrote no remoteEntry");
step(`built ${meta.name} ${meta.version} into dist/labextension (${meta.jupyterlab._build.load}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
