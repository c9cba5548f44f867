// A Jupyter server on 127.0.0.1 with tsdl installed (`tsdl install --prefix`: kernelspec, JupyterLab
// extension, classic Notebook's plotly.js) into a throwaway Jupyter environment, so no user setting leaks:
//   "lab"        JupyterLab 4 from the project's .venv (`python -m jupyterlab`);
//   "notebook7"  Notebook 7 from .venv (`python -m notebook`);
//   "classic"    classic Notebook 6 (Debian's jupyter-notebook: the one front end .venv does not hold).
// The notebooks run at smoke scale (TSDL_SCALE=smoke in the server's environment, so in the kernel's).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");
export const VENV_PYTHON = join(ROOT, ".venv", "bin", "python");

export type Frontend = "lab" | "notebook7" | "classic";

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

export interface JupyterServer {
  frontend: Frontend;
  url: string;
  token: string;
  dir: string;
  /** The server's JUPYTER_DATA_DIR (where `jupyter trust` records signatures). */
  dataDir: string;
  /** The server's environment (its throwaway Jupyter folders), for Jupyter commands about it. */
  env: NodeJS.ProcessEnv;
  /** The server's log so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

function command(frontend: Frontend, port: number, token: string, dir: string): [string, string[]] {
  const root = process.getuid?.() === 0;
  if (frontend === "classic") {
    return ["/usr/bin/python3", ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`, ...(root ? ["--allow-root"] : [])]];
  }
  if (!existsSync(VENV_PYTHON)) throw new Error(`no ${VENV_PYTHON}: run bash scripts/setup-python.sh (npm test does)`);
  const app = frontend === "lab" ? "LabApp" : "JupyterNotebookApp";
  return [
    VENV_PYTHON,
    [
      "-m",
      frontend === "lab" ? "jupyterlab" : "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${dir}`,
      // The tests read the notebook's model (cells, outputs, kernel) through window.jupyterapp.
      `--${app}.expose_app_in_browser=True`,
      ...(root ? ["--ServerApp.allow_root=True"] : []),
    ],
  ];
}

export interface StartOptions {
  /** Leave tsdl's extension installed but disabled (Lab's page config), as in a Lab that lacks it. */
  disableExtension?: boolean;
}

/** Starts the server on `dir`; resolves once /api/status answers. */
export async function startJupyter(frontend: Frontend, dir: string, options: StartOptions = {}): Promise<JupyterServer> {
  const tmp = mkdtempSync(join(tmpdir(), `tsdl-${frontend}-`));
  // A fresh TSDL_HOME per server, but one kernel start-up snapshot for the whole run, made by the first
  // `tsdl install` as a user's install makes it (a kernel started in another folder uses its declarations).
  const kernelCache = process.env.TSDL_KERNEL_CACHE ?? join(ROOT, "out", "kernel-cache");
  execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", "--prefix", join(tmp, "prefix")], { stdio: "ignore", env: { ...process.env, TSDL_KERNEL_CACHE: kernelCache } });
  const port = await freePort();
  const token = Math.random().toString(36).slice(2);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${frontend === "classic" ? "/usr/bin" : join(ROOT, ".venv", "bin")}:${process.env.PATH}`,
    JUPYTER_PATH: join(tmp, "prefix", "share", "jupyter"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_DATA_DIR: join(tmp, "data"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: join(tmp, "lab-settings"),
    JUPYTERLAB_WORKSPACES_DIR: join(tmp, "lab-workspaces"),
    JUPYTER_PLATFORM_DIRS: "1",
    TSDL_SCALE: process.env.TSDL_SCALE ?? "smoke",
    TSDL_HOME: process.env.TSDL_HOME ?? join(tmp, "tsdl-home"),
    TSDL_KERNEL_CACHE: kernelCache,
  };
  // Lab's first-run question (fetch Jupyter's news?) would cover part of the page in every screenshot.
  if (frontend === "lab") {
    const notification = join(env.JUPYTERLAB_SETTINGS_DIR!, "@jupyterlab", "apputils-extension");
    mkdirSync(notification, { recursive: true });
    writeFileSync(join(notification, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  }
  if (options.disableExtension) {
    mkdirSync(join(env.JUPYTER_CONFIG_DIR!, "labconfig"), { recursive: true });
    writeFileSync(join(env.JUPYTER_CONFIG_DIR!, "labconfig", "page_config.json"), JSON.stringify({ disabledExtensions: { "tsdl-jupyterlab": true } }));
  }
  const [exe, args] = command(frontend, port, token, dir);
  const proc: ChildProcess = spawn(exe, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${frontend} server exited (${proc.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${frontend} server did not start within 90 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    frontend,
    url,
    token,
    dir,
    dataDir: env.JUPYTER_DATA_DIR!,
    env,
    log: () => log,
    async stop() {
      // SIGTERM, then SIGKILL after 15 s: a JupyterLab 4.6 server was seen to stop serving and then never
      // exit, its main thread in threading._shutdown joining an idle anyio worker thread (gdb's py-bt),
      // which held the whole tier until CI's limit.
      const exited = new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once("exit", r)));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => {
        console.warn(`${frontend} server (pid ${proc.pid}) did not exit 15 s after SIGTERM; killing it`);
        proc.kill("SIGKILL");
      }, 15_000);
      await exited;
      clearTimeout(killer);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
