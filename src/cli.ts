#!/usr/bin/env node
// The `tsdl` command: `tsdl install [--user|--sys-prefix|--prefix DIR] [--name N]`, `tsdl kernel --connection-file F`.
import { join } from "node:path";
// Only light imports here: ES modules are all loaded before any runs, and a kernel must take SIGINT at once.
import type { InstallOptions } from "./kernel/install.js";

// A kernel that Jupyter interrupts while it is still starting (Node's default for SIGINT is to exit) keeps
// starting; the kernel installs its real handler once it runs cells.
if (process.argv[2] === "kernel") process.on("SIGINT", () => {});

const USAGE = `usage:
  tsdl install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--no-snapshot]
                                                                      install the "TypeScript (tsdl)" Jupyter kernel
                                                                      and tsdl's JupyterLab / Notebook 7 extension
                                                                      (--sys-prefix: the prefix of the python3 on PATH)
  tsdl kernel --connection-file FILE                                  run the kernel (Jupyter starts this)
  tsdl backend                                                        show which compute backend works here`;

function value(args: string[], i: number, option: string): string {
  const v = args[i];
  if (v === undefined || v.startsWith("--")) throw new Error(`tsdl install: ${option} needs a value\n${USAGE}`);
  return v;
}

/** package.json's engines (node >= 20.19), checked before anything that needs it: a kernelspec whose
 *  launcher fell back to an older node on PATH says so instead of failing somewhere inside. */
function checkNode(): void {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`tsdl: Node.js ${process.version} (${process.execPath}) is too old; tsdl needs Node.js >= 20.19. Install a newer Node and re-run \`tsdl install\` with it (or set TSDL_NODE for the kernel)`);
  }
}

/** The kernel's start-up snapshot, made now so that the first kernel starts as fast as later ones. */
async function prepareSnapshot(): Promise<void> {
  const t0 = performance.now();
  process.stdout.write("Preparing the kernel's start-up snapshot (TypeScript and tsdl's declarations, once) ... ");
  try {
    const { prepareStartupSnapshot } = await import("./kernel/ts_client.js");
    const made = await prepareStartupSnapshot(process.cwd());
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(made ? `done in ${s} s: ${made}` : `skipped (TSDL_KERNEL_SNAPSHOT=0, or it could not be made; kernels then build it themselves)`);
  } catch (e) {
    console.log(`not made (${(e as Error).message}); the first kernel builds it in the background instead`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  checkNode();
  if (command === "install") {
    const o: InstallOptions = {};
    let snapshot = true;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (a === "--user") o.where = "user";
      else if (a === "--sys-prefix") o.where = "sys-prefix";
      else if (a === "--prefix") (o.where = "prefix"), (o.prefix = value(rest, ++i, a));
      else if (a === "--name") o.name = value(rest, ++i, a);
      else if (a === "--no-snapshot") snapshot = false;
      else throw new Error(`tsdl install: unknown option ${JSON.stringify(a)}\n${USAGE}`);
    }
    const { install } = await import("./kernel/install.js");
    const done = install(o);
    console.log(`Installed the "TypeScript (tsdl)" kernel in ${done.kernelDir}`);
    console.log(`Installed the JupyterLab extension in ${done.labextensionDir}`);
    console.log(`Installed plotly.js for classic Notebook in ${done.nbextensionDir}`);
    console.log(`The kernel runs ${process.execPath} (Node ${process.version}) while it is there, else the node on PATH; after moving tsdl re-run: ${done.reinstall}`);
    for (const w of done.warnings) console.error(`warning: ${w}`);
    if (snapshot) await prepareSnapshot();
    return 0;
  }
  if (command === "kernel") {
    const i = rest.indexOf("--connection-file");
    const file = i >= 0 ? rest[i + 1] : rest.find((a) => a.endsWith(".json"));
    if (!file) throw new Error(`tsdl kernel: --connection-file FILE is required\n${USAGE}`);
    // Until the kernel installs its own handler: an interrupt before any cell exists stops nothing.
    process.on("SIGINT", () => {});
    // The TypeScript process first: it is the longest part of the start, and needs nothing from the rest.
    const [{ TypeScriptServer, snapshotDir }, { serverLog }] = await Promise.all([import("./kernel/ts_client.js"), import("./kernel/trace.js")]);
    const server = new TypeScriptServer({ cwd: process.cwd(), log: serverLog });
    // V8's code cache for tfjs' bundles, beside the TypeScript start-up snapshot (TSDL_KERNEL_SNAPSHOT=0: neither).
    if (process.env.TSDL_KERNEL_SNAPSHOT !== "0") {
      const { enableCompileCache } = await import("./kernel/compile_cache.js");
      enableCompileCache(join(snapshotDir(), "v8"));
    }
    const { runKernel } = await import("./kernel/kernel.js");
    await runKernel(file, server);
    return -1; // keeps running
  }
  if (command === "backend") {
    const tsdl = await import("./index.js");
    await tsdl.ready();
    console.log(tsdl.describeBackend(tsdl.backend()));
    return 0;
  }
  console.log(USAGE);
  return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  },
);
