// `tsdl install` into a folder: the kernelspec, the built JupyterLab extension and classic Notebook's
// plotly.js, each where Jupyter looks for it; a reinstall leaves no stale bundle; bad input is named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { install, jupyterDataDir, LABEXTENSION_NAME, pythonPrefix } from "../../src/kernel/install.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

test("install --prefix: kernelspec with logos, the federated extension, plotly.js for classic Notebook", () => {
  const prefix = mkdtempSync(join(tmpdir(), "tsdl-install-"));
  const done = install({ where: "prefix", prefix });
  const data = join(prefix, "share", "jupyter");
  assert.equal(done.dataDir, data);
  const spec = JSON.parse(readFileSync(join(data, "kernels", "tsdl", "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (tsdl)");
  assert.equal(spec.language, "typescript");
  assert.deepEqual(spec.metadata, { debugger: false });
  assert.ok(readFileSync(join(data, "kernels", "tsdl", "logo-64x64.png")).subarray(1, 4).equals(Buffer.from("PNG")));
  const ext = join(data, "labextensions", LABEXTENSION_NAME);
  const meta = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
  assert.equal(meta.jupyterlab.mimeExtension, true);
  assert.match(meta.jupyterlab._build.load, /^static\/remoteEntry\.[0-9a-f]+\.js$/);
  assert.ok(existsSync(join(ext, meta.jupyterlab._build.load)));
  const plotly = readFileSync(join(ROOT, "node_modules", "plotly.js-dist-min", "plotly.min.js"));
  assert.ok(readFileSync(join(ext, "static", "plotly.min.js")).equals(plotly), "served at /lab/extensions/tsdl-jupyterlab/static/");
  assert.ok(readFileSync(join(data, "nbextensions", "tsdl", "plotly.min.js")).equals(plotly), "served at /nbextensions/tsdl/");
  // A stale bundle of an older build does not survive a reinstall.
  writeFileSync(join(ext, "static", "remoteEntry.0000.js"), "old");
  install({ where: "prefix", prefix });
  assert.ok(!readdirSync(join(ext, "static")).includes("remoteEntry.0000.js"));
});

test("the CLI says what it installed, and names bad options", () => {
  const prefix = mkdtempSync(join(tmpdir(), "tsdl-install-cli-"));
  const out = execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  assert.match(out, /Installed the "TypeScript \(tsdl\)" kernel in .*kernels\/tsdl\nInstalled the JupyterLab extension in .*labextensions\/tsdl-jupyterlab\n/);
  const fail = (args: string[]) => {
    try {
      execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", ...args], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      return String((e as { stderr: string }).stderr);
    }
    assert.fail("expected a failure");
  };
  assert.match(fail(["--prefix"]), /--prefix needs a value/);
  assert.match(fail(["--bogus"]), /unknown option "--bogus"/);
});

test("--sys-prefix is the prefix of the python asked; a missing python is a clear error", () => {
  const venv = join(ROOT, ".venv", "bin", "python");
  if (existsSync(venv)) assert.equal(realpathSync(pythonPrefix(venv)), realpathSync(join(ROOT, ".venv")));
  assert.equal(jupyterDataDir({ where: "sys-prefix", python: "python3" }), join(pythonPrefix("python3"), "share", "jupyter"));
  assert.throws(() => jupyterDataDir({ where: "sys-prefix", python: "/nonexistent/python3" }), /cannot ask \/nonexistent\/python3 for its sys\.prefix.*PATH=\.venv\/bin/);
  assert.throws(() => jupyterDataDir({ where: "prefix" }), /--prefix needs a folder/);
});
