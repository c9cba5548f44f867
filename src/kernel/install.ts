// `tsdl install`: writes the "TypeScript (tsdl)" kernelspec where Jupyter looks for it.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "./typescript_engine.js";

export const KERNEL_NAME = "tsdl";

export interface InstallOptions {
  /** "user" (default): ~/.local/share/jupyter; "sys-prefix": the Python prefix; "prefix": a folder. */
  where?: "user" | "sys-prefix" | "prefix";
  prefix?: string;
  /** The kernelspec's name. Default "tsdl". */
  name?: string;
}

function jupyterDataDir(o: InstallOptions): string {
  if (o.where === "prefix") {
    if (!o.prefix) throw new Error("tsdl install: --prefix needs a folder, e.g. --prefix /usr/local");
    return join(resolve(o.prefix), "share", "jupyter");
  }
  if (o.where === "sys-prefix") return join(process.env.VIRTUAL_ENV || process.env.CONDA_PREFIX || "/usr/local", "share", "jupyter");
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** Writes kernel.json and the logos; returns the kernelspec folder. */
export function installKernelSpec(o: InstallOptions = {}): string {
  const dir = join(jupyterDataDir(o), "kernels", o.name ?? KERNEL_NAME);
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
