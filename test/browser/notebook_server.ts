// A classic Jupyter Notebook server (Debian's jupyter-notebook) on 127.0.0.1 with the tsdl kernel
// installed into a throwaway JUPYTER_PATH, and a headless Chromium driven by playwright-core.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "..", "..");

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

export interface NotebookServer {
  url: string;
  token: string;
  dir: string;
  /** The server's JUPYTER_DATA_DIR (where `jupyter trust` records signatures). */
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `jupyter notebook` serving `dir`; resolves once /api/status answers. */
export async function startNotebookServer(dir: string): Promise<NotebookServer> {
  const tmp = mkdtempSync(join(tmpdir(), "tsdl-nbserver-"));
  execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", "--prefix", tmp], { stdio: "ignore" });
  const port = await freePort();
  const token = Math.random().toString(36).slice(2);
  const env = {
    ...process.env,
    PATH: `/usr/bin:${process.env.PATH}`,
    JUPYTER_PATH: join(tmp, "share", "jupyter"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_DATA_DIR: join(tmp, "data"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    TSDL_SCALE: process.env.TSDL_SCALE ?? "smoke",
  };
  const proc: ChildProcess = spawn(
    "/usr/bin/python3",
    ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`, "--NotebookApp.disable_check_xsrf=False", ...(process.getuid?.() === 0 ? ["--allow-root"] : [])],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter notebook exited (${proc.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`jupyter notebook did not start within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    dir,
    dataDir: env.JUPYTER_DATA_DIR,
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once("exit", r)));
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium with a fresh profile; nothing reaches beyond this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
