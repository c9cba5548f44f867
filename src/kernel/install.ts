// `tsdl install`: puts what Jupyter needs to run and show tsdl where Jupyter looks for it, in one data
// folder (<prefix>/share/jupyter, or the user's):
//   kernels/tsdl/                      the "TypeScript (tsdl)" kernelspec, its logos and its launcher
//                                      (tsdl-kernel, a small sh script: which Node, which tsdl);
//   labextensions/tsdl-jupyterlab/     tsdl's prebuilt JupyterLab / Notebook 7 extension (lab/, built
//                                      by `npm run build` into dist/labextension);
//   nbextensions/tsdl/plotly.min.js    plotly.js for classic Notebook, which serves it at
//                                      /nbextensions/tsdl/ to the HTML of tsdl's figures.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
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
  /** The command that repeats this install (after tsdl or Node moved), as the launcher prints it. */
  reinstall: string;
  /** For an install meant for others (--sys-prefix, --prefix): what other users could not reach. */
  warnings: string[];
}

/** The command line that repeats an install: the resolved folder, so it means the same from anywhere. */
export function reinstallCommand(o: InstallOptions, dataDir: string): string {
  const where = o.where === "prefix" || o.where === "sys-prefix" ? `--prefix ${shellWord(dirname(dirname(dataDir)))}` : "--user";
  return `tsdl install ${where}${o.name && o.name !== KERNEL_NAME ? ` --name ${shellWord(o.name)}` : ""}`;
}

function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
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

/** The kernelspec's launcher: a POSIX sh script beside kernel.json, run as `sh {resource_dir}/tsdl-kernel`.
 *  It picks the Node to run at each kernel start, not at install time, so the kernelspec survives a Node
 *  upgrade: $TSDL_NODE if set, else the Node that ran this install while it is still there and runnable by
 *  the user starting the kernel, else the first `node` on PATH (saying so on stderr, which Jupyter logs).
 *  When none is found, or tsdl's own files are gone or unreadable, it exits 1 naming the command that
 *  repeats this install. It ends in `exec`, so the kernel is Jupyter's child itself: signals (interrupt,
 *  shutdown) and JPY_PARENT_PID reach it unchanged. */
export function launcherScript(node: string, cli: string, reinstall: string): string {
  return `#!/bin/sh
# Starts the "TypeScript (tsdl)" kernel. Written by \`tsdl install\` (tsdl ${version()}, Node ${process.version});
# after tsdl moves, re-run:  ${reinstall}
node_installed=${shellWord(node)}
cli=${shellWord(cli)}
reinstall=${shellWord(reinstall)}
if [ -n "\${TSDL_NODE:-}" ]; then
  node=$TSDL_NODE
elif [ -x "$node_installed" ]; then
  node=$node_installed
elif node=$(command -v node); then
  echo "tsdl kernel: $node_installed (the Node that ran tsdl install) is not there or not runnable for $(id -un); using $node" >&2
else
  echo "tsdl kernel: no Node.js to run: $node_installed (the Node that ran tsdl install) is not there or not runnable for $(id -un), and PATH ($PATH) has no node. Install Node.js >= 20.19 on PATH or set TSDL_NODE, then re-run: $reinstall" >&2
  exit 1
fi
if [ ! -r "$cli" ]; then
  echo "tsdl kernel: $cli is missing or not readable for $(id -un) (tsdl moved, was removed, or sits in a folder this user cannot enter); re-run: $reinstall" >&2
  exit 1
fi
exec "$node" "$cli" kernel "$@"
`;
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
}

/** mkdir -p, each folder it makes 755 whatever the umask (an admin's 077 must not hide what it installs). */
function mkdirOpen(dir: string): void {
  if (existsSync(dir)) return;
  mkdirOpen(dirname(dir));
  mkdirSync(dir);
  chmodSync(dir, 0o755);
}

/** Writes the kernelspec with its logos and launcher; the files written temp + rename. */
function installKernelSpec(dataDir: string, name: string, reinstall: string): string {
  const dir = join(dataDir, "kernels", name);
  mkdirOpen(dir);
  const cli = join(packageRoot, "dist", "cli.js");
  const spec = {
    argv: ["/bin/sh", "{resource_dir}/tsdl-kernel", "--connection-file", "{connection_file}"],
    display_name: "TypeScript (tsdl)",
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false, tsdl: { node: process.execPath, nodeVersion: process.version, cli, reinstall } },
  };
  const write = (file: string, text: string, mode: number) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode); // whatever the installer's umask
    renameSync(tmp, file);
  };
  write(join(dir, "tsdl-kernel"), launcherScript(process.execPath, cli, reinstall), 0o755);
  write(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n", 0o644);
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) copyFileSync(join(packageRoot, "kernel", logo), join(dir, logo));
  return dir;
}

/** Makes a folder tree readable by everyone (files 644 or 755, folders 755): an admin's umask 077 must
 *  not leave a system-wide kernelspec or extension that only root can read. */
function openToAll(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const e of readdirSync(path)) openToAll(join(path, e));
  } else chmodSync(path, st.mode & 0o111 ? 0o755 : 0o644);
}

/** Folders on the way to `path` that other users cannot enter (no o+x), and `path` itself unless o+r. */
export function closedToOthers(path: string): string[] {
  const closed: string[] = [];
  let p = resolve(path);
  try {
    if (!(statSync(p).mode & 0o004)) closed.push(p);
  } catch {
    return [p];
  }
  for (p = dirname(p); ; p = dirname(p)) {
    if (!(statSync(p).mode & 0o001)) closed.push(p);
    if (p === dirname(p)) break;
  }
  return closed;
}

/** Installs the kernelspec, the JupyterLab extension and classic Notebook's copy of plotly.js. */
export function install(o: InstallOptions = {}): Installed {
  const source = builtLabextension();
  const dataDir = jupyterDataDir(o);
  const reinstall = reinstallCommand(o, dataDir);
  const kernelDir = installKernelSpec(dataDir, o.name ?? KERNEL_NAME, reinstall);
  // A fresh copy: an older build's bundles (other hashes) must not linger beside the new ones.
  const labextensionDir = join(dataDir, "labextensions", LABEXTENSION_NAME);
  rmSync(labextensionDir, { recursive: true, force: true });
  mkdirOpen(dirname(labextensionDir));
  cpSync(source, labextensionDir, { recursive: true });
  const nbextensionDir = join(dataDir, "nbextensions", "tsdl");
  mkdirOpen(nbextensionDir);
  copyFileSync(createRequire(join(packageRoot, "package.json")).resolve("plotly.js-dist-min/plotly.min.js"), join(nbextensionDir, "plotly.min.js"));
  for (const d of [kernelDir, labextensionDir, nbextensionDir]) openToAll(d);
  const warnings: string[] = [];
  if (o.where === "prefix" || o.where === "sys-prefix") {
    // Installed for everyone: each user's kernel runs this Node and these files as that user.
    for (const [what, path] of [["Node.js", process.execPath], ["tsdl", join(packageRoot, "dist", "cli.js")], ["the kernelspec", kernelDir]] as const) {
      const closed = closedToOthers(path);
      if (!closed.length) continue;
      const fix = what === "the kernelspec" ? "choose a prefix every user can read (e.g. --prefix /usr/local, or the hub's venv)" : `install ${what} where every user can read it (e.g. under /usr, /usr/local or /opt)${what === "Node.js" ? ", or set TSDL_NODE in the kernelspec's env" : ""}`;
      warnings.push(`${what} at ${path} is not reachable by other users (${closed.join(", ")} not open to others): their kernels will not start; ${fix}.`);
    }
  }
  return { dataDir, kernelDir, labextensionDir, nbextensionDir, reinstall, warnings };
}
