// `tsdl install`: puts what Jupyter needs to run and show tsdl where Jupyter looks for it, in one data
// folder (<prefix>/share/jupyter, or the user's):
//   kernels/tsdl/                      the "TypeScript (tsdl)" kernelspec and its logos;
//   labextensions/tsdl-jupyterlab/     tsdl's prebuilt JupyterLab / Notebook 7 extension (lab/, built
//                                      by `npm run build` into dist/labextension);
//   nbextensions/tsdl/plotly.min.js    plotly.js for classic Notebook, which serves it at
//                                      /nbextensions/tsdl/ to the HTML of tsdl's figures.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "./typescript_engine.js";

export const KERNEL_NAME = "tsdl";
/** The name of tsdl's JupyterLab extension (lab/package.json), its folder under labextensions/. */
export const LABEXTENSION_NAME = "tsdl-jupyterlab";

export interface InstallOptions {
  /** "user" (default): the user's Jupyter data folder; "sys-prefix": the prefix of the python3 on PATH
   *  (a virtual environment's, when it is first on PATH); "prefix": a folder. */
  where?: "user" | "sys-prefix" | "prefix";
  prefix?: string;
  /** The kernelspec's name. Default "tsdl". */
  name?: string;
  /** Where `python3 -c "import sys; print(sys.prefix)"` runs, for "sys-prefix". Default "python3". */
  python?: string;
}

export interface Installed {
  /** The Jupyter data folder everything went into. */
  dataDir: string;
  kernelDir: string;
  labextensionDir: string;
  nbextensionDir: string;
}

/** The prefix of a Python (sys.prefix), as `jupyter kernelspec install --sys-prefix` uses it. */
export function pythonPrefix(python = "python3"): string {
  try {
    return execFileSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    throw new Error(
      `tsdl install --sys-prefix: cannot ask ${python} for its sys.prefix (${(e as Error).message.split("\n")[0]}); ` +
        "put the environment's python first on PATH (e.g. PATH=.venv/bin:$PATH) or use --prefix DIR",
    );
  }
}

export function jupyterDataDir(o: InstallOptions): string {
  if (o.where === "prefix") {
    if (!o.prefix) throw new Error("tsdl install: --prefix needs a folder, e.g. --prefix /usr/local");
    return join(resolve(o.prefix), "share", "jupyter");
  }
  if (o.where === "sys-prefix") return join(pythonPrefix(o.python), "share", "jupyter");
  if (process.env.JUPYTER_DATA_DIR) return resolve(process.env.JUPYTER_DATA_DIR);
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** The built extension (dist/labextension), checked: a package.json whose remoteEntry exists. */
export function builtLabextension(root = packageRoot): string {
  const dir = join(root, "dist", "labextension");
  const meta = join(dir, "package.json");
  if (!existsSync(meta)) throw new Error(`tsdl install: the JupyterLab extension is not built (no ${meta}); run \`npm run build\`, which builds lab/ into dist/labextension`);
  const pkg = JSON.parse(readFileSync(meta, "utf8")) as { name?: string; jupyterlab?: { _build?: { load?: string } } };
  const load = pkg.jupyterlab?._build?.load;
  if (pkg.name !== LABEXTENSION_NAME || !load || !existsSync(join(dir, load))) {
    throw new Error(`tsdl install: ${dir} is not a complete build of ${LABEXTENSION_NAME} (package.json names ${JSON.stringify(pkg.name)}, load ${JSON.stringify(load)}); run \`npm run build\` again`);
  }
  return dir;
}

/** Writes the kernelspec with its logos. */
function installKernelSpec(dataDir: string, name: string): string {
  const dir = join(dataDir, "kernels", name);
  mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, join(packageRoot, "dist", "cli.js"), "kernel", "--connection-file", "{connection_file}"],
    display_name: "TypeScript (tsdl)",
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false },
  };
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) copyFileSync(join(packageRoot, "kernel", logo), join(dir, logo));
  return dir;
}

/** Installs the kernelspec, the JupyterLab extension and classic Notebook's copy of plotly.js. */
export function install(o: InstallOptions = {}): Installed {
  const source = builtLabextension();
  const dataDir = jupyterDataDir(o);
  const kernelDir = installKernelSpec(dataDir, o.name ?? KERNEL_NAME);
  // A fresh copy: an older build's bundles (other hashes) must not linger beside the new ones.
  const labextensionDir = join(dataDir, "labextensions", LABEXTENSION_NAME);
  rmSync(labextensionDir, { recursive: true, force: true });
  cpSync(source, labextensionDir, { recursive: true });
  const nbextensionDir = join(dataDir, "nbextensions", "tsdl");
  mkdirSync(nbextensionDir, { recursive: true });
  copyFileSync(createRequire(join(packageRoot, "package.json")).resolve("plotly.js-dist-min/plotly.min.js"), join(nbextensionDir, "plotly.min.js"));
  return { dataDir, kernelDir, labextensionDir, nbextensionDir };
}
