// The kernel: Jupyter's five channels on zeromq, one request at a time on shell, control alongside,
// outputs on iopub with the request they belong to. Cells run in this process (TypeScriptEngine).
//
// It never dies of its input: a malformed or wrongly signed message is logged and dropped, a user error
// becomes an `error` reply, a rejection nobody awaited is reported on the cell that made it while that
// cell runs, else on the next cell.
//
// Start: the TypeScript process (ts_client.ts) is started first (by cli.ts, before this module loads);
// then the SIGINT handler is installed and the sockets bound, and this process loads tsdl (tfjs) and
// chooses the backend while TypeScript starts. The first kernel_info is answered at once when TypeScript
// starts from its snapshot, else once it has tsdl's declarations; a cell is type-checked as soon as it
// comes (and TypeScript is ready) and runs once tsdl is loaded. An
// interrupt that comes during the start stops nothing (there is no cell), or ends the waiting cell with
// KeyboardInterrupt.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import type * as Tsdl from "../index.js";
import { requestInterrupt, resetInterrupt } from "../interrupt.js";
import { version } from "../version.js";
import { History } from "./history.js";
import { CommManager, installCommManager } from "./comms.js";
import { watchParent } from "./parent_watch.js";
import { census, leakHint, reachableNewTensors } from "./leak_hint.js";
import { toBundle, type MimeBundle } from "./mime_bundle.js";
import { serverLog, trace } from "./trace.js";
import { TypeScriptServer } from "./ts_client.js";
import { TypeScriptEngine, type CellOutcome } from "./typescript_engine.js";
import { header, parse, serialize, Signer, WireError, PROTOCOL_VERSION, type ConnectionInfo, type Message } from "./wire.js";

type Content = Record<string, unknown>;

/** Serialises sends: a zeromq.js socket allows one send in flight. */
class Outbox {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Router | zmq.Publisher | zmq.XPublisher, private readonly log: (s: string) => void) {}
  send(frames: (Buffer | string)[]): Promise<void> {
    this.chain = this.chain.then(() => this.socket.send(frames)).catch((e) => this.log(`send failed: ${(e as Error).message}`));
    return this.chain;
  }
}

/** How long a cell may keep running after an interrupt before the kernel ends it (fit stops at its next batch). */
const INTERRUPT_GRACE_MS = 1500;

export class Kernel {
  private readonly signer: Signer;
  private readonly session = randomUUID();
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  /** XPUB: it hears each subscriber arrive, and welcomes it (JEP 65's iopub_welcome), as ipykernel does. */
  private readonly iopub = new zmq.XPublisher({ verbosity: "allSubs" });
  private readonly heartbeat = new zmq.Reply();
  private readonly out: { shell: Outbox; control: Outbox; stdin: Outbox; iopub: Outbox };
  /** The library the cells import as "tsdl" (loaded in start()). */
  private tsdl!: typeof Tsdl;
  /** The kernel's TypeScript process (started first thing in start()). */
  private server: TypeScriptServer | undefined;
  /** The cell runner (made in start(), once tsdl is loaded). */
  private engine!: TypeScriptEngine;
  /** Settles when tsdl is loaded and the backend chosen (cells are type-checked before, and run after). */
  private started: Promise<void> = Promise.resolve();
  /** Called after the first reply on shell: tsdl is loaded then, so that loading does not delay that reply. */
  private firstReplied: () => void = () => {};
  /** Whether a kernel_info_request was answered yet. */
  private firstKernelInfo = false;
  /** True while a cell runs (up to its last output): late rejections go to the next cell instead. */
  private cellRunning = false;
  /** What failed after its cell finished, for the next cell's stderr. */
  private laterOutput: string[] = [];
  private readonly history = new History();
  private executionCount = 0;
  /** The request whose outputs are being produced now (stdout, displays, errors). */
  private parent: Message | undefined;
  private queue: { msg: Message; socket: "shell"; receivedAt: number }[] = [];
  private processing = false;
  /** Requests received before this time are aborted (an error happened with stop_on_error). */
  private abortBefore = 0;
  private pendingInput: { resolve: (v: string) => void; reject: (e: Error) => void } | undefined;
  private streams: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  private flushScheduled = false;
  private stopping = false;
  /** Comms both ways (comms.ts); the widgets (src/widgets) register their targets on it. */
  readonly comms: CommManager;

  constructor(private readonly conn: ConnectionInfo) {
    this.signer = new Signer(conn.key, conn.signature_scheme);
    const log = (s: string) => this.log(s);
    this.out = { shell: new Outbox(this.shell, log), control: new Outbox(this.control, log), stdin: new Outbox(this.stdin, log), iopub: new Outbox(this.iopub, log) };
    this.comms = new CommManager(
      {
        publish: (type, content, metadata, buffers) => {
          const topic = Buffer.from(`kernel.${this.session}.${type}`);
          const frames = serialize({ identities: [topic], header: header(type, this.session), parent_header: this.parent?.header ?? {}, metadata, content, buffers: buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)) }, this.signer);
          void this.flushStreams(); // prints made before this message go out before it
          void this.out.iopub.send(frames);
        },
        parentMsgId: () => this.parent?.header.msg_id,
        flush: () => this.displayChain.then(() => this.flushStreams()),
      },
      log,
    );
    installCommManager(this.comms); // before tsdl loads: its widgets register their comm targets on it
  }

  /** Kernel diagnostics go to the real stderr (Jupyter's server log), never into a cell. */
  log(s: string): void {
    serverLog(s);
  }

  async start(server?: TypeScriptServer): Promise<void> {
    this.installSafetyNets(); // before anything slow: a SIGINT during the start must not end the process
    this.server = server ?? new TypeScriptServer({ cwd: process.cwd(), log: (s) => this.log(s) });
    watchParent((why) => this.parentGone(why)); // src/kernel/parent_watch.ts
    const url = (port: number) => `${this.conn.transport}://${this.conn.ip}:${port}`;
    await Promise.all([
      this.shell.bind(url(this.conn.shell_port)),
      this.control.bind(url(this.conn.control_port)),
      this.stdin.bind(url(this.conn.stdin_port)),
      this.iopub.bind(url(this.conn.iopub_port)),
      this.heartbeat.bind(url(this.conn.hb_port)),
    ]);
    trace("sockets bound");
    const t0 = performance.now();
    // Loading tsdl (tfjs) holds this thread for a second: the frontend's first request (kernel_info)
    // is answered first, so that its first cell comes and is type-checked meanwhile.
    const answered = new Promise<void>((resolve) => (this.firstReplied = resolve));
    const loaded = (async () => {
      await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 250))]);
      trace("loading tsdl");
      const tsdl = await import("../index.js");
      const report = await tsdl.ready();
      trace(`tsdl loaded, backend ${report.name}`);
      this.tsdl = tsdl;
      // Again: tfjs-backend-wasm's Emscripten loader adds handlers that rethrow (and so end the process).
      this.installSafetyNets();
      this.installGlobals();
      this.captureOutput();
      this.log(`started: tsdl ${version}, backend ${report.name} in ${Math.round(performance.now() - t0)} ms, cwd ${process.cwd()}`);
      // A process' first tensor op sets tfjs' engine up (some 25 ms): done when the loop is next idle,
      // so a first cell still being type-checked finds it done, and one already waiting goes first.
      setImmediate(() => {
        try {
          tsdl.tf.zeros([1]).dispose();
        } catch {
          /* the first cell's op reports whatever this is */
        }
      });
      return tsdl;
    })();
    this.started = loaded.then(() => {});
    this.started.catch((e) => this.log(`could not load tsdl: ${(e as Error)?.stack ?? e}`));
    this.engine = new TypeScriptEngine(process.cwd(), this.server, loaded);
    await this.publish("status", { execution_state: "starting" }, undefined);
    void this.loop(this.shell, (m) => this.enqueue(m));
    void this.loop(this.control, (m) => this.onControl(m));
    void this.loop(this.stdin, (m) => this.onStdin(m));
    void this.beat();
    void this.welcome();
  }

  /**
   * A frontend knows its iopub subscription works when a message comes through it (jupyter_client asks
   * again for kernel_info until one does): each new subscriber gets an iopub_welcome at once.
   */
  private async welcome(): Promise<void> {
    for await (const [frame] of this.iopub) {
      if (frame[0] !== 1) continue; // 1: subscribe, 0: unsubscribe
      const topic = frame.subarray(1);
      await this.out.iopub.send(
        serialize({ identities: [topic.length ? topic : Buffer.from(`kernel.${this.session}.iopub_welcome`)], header: header("iopub_welcome", this.session), parent_header: {}, metadata: {}, content: { subscription: topic.toString("utf8") } }, this.signer),
      );
    }
  }


  private async beat(): Promise<void> {
    for await (const frames of this.heartbeat) {
      await this.heartbeat.send(frames);
    }
  }

  private async loop(socket: zmq.Router, handle: (m: Message) => void | Promise<void>): Promise<void> {
    for await (const frames of socket) {
      let msg: Message;
      try {
        msg = parse(frames as Buffer[], this.signer);
      } catch (e) {
        this.log(`dropped a message: ${e instanceof WireError ? e.message : String(e)}`);
        continue;
      }
      try {
        await handle(msg);
      } catch (e) {
        this.log(`error handling ${msg.header.msg_type}: ${(e as Error)?.stack ?? e}`);
      }
    }
  }

  // ---- sending -------------------------------------------------------------------------------------

  private reply(channel: "shell" | "control", parent: Message, type: string, content: Content, metadata: Content = {}): Promise<void> {
    return this.out[channel].send(serialize({ identities: parent.identities, header: header(type, this.session), parent_header: parent.header, metadata, content }, this.signer));
  }

  private publish(type: string, content: Content, parent: Message | undefined, metadata: Content = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.session}.${type}`);
    return this.out.iopub.send(serialize({ identities: [topic], header: header(type, this.session), parent_header: parent?.header ?? {}, metadata, content }, this.signer));
  }

  // ---- outputs of cells ----------------------------------------------------------------------------

  private captureOutput(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error) => void), cb?: (e?: Error) => void) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
        this.streams[name] += text;
        this.scheduleFlush();
        const done = typeof encoding === "function" ? encoding : cb;
        done?.();
        return true;
      }) as typeof stream.write;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => void this.flushStreams(), 20);
  }

  private async flushStreams(): Promise<void> {
    this.flushScheduled = false;
    // Both taken now, with the parent of now (a comm message may change it while a send is awaited).
    const parent = this.parent;
    const texts = (["stdout", "stderr"] as const).map((name) => [name, this.streams[name]] as const);
    this.streams = { stdout: "", stderr: "" };
    // Queued on iopub at once, in order (a comm message sent next goes after them).
    await Promise.all(texts.filter(([, text]) => text).map(([name, text]) => this.publish("stream", { name, text }, parent)));
  }

  /** Displays go out in the order they were asked for (bundles may take a while to make). */
  private displayChain: Promise<void> = Promise.resolve();

  /** Shows a value: display_data, or update_display_data for `{ displayId, update: true }`. */
  display(value: unknown, options: { displayId?: string; update?: boolean } = {}): Promise<void> {
    const next = this.displayChain.then(() => this.displayNow(value, options));
    this.displayChain = next.catch(() => {});
    return next;
  }

  private async displayNow(value: unknown, options: { displayId?: string; update?: boolean }): Promise<void> {
    let data: MimeBundle;
    try {
      data = await toBundle(value);
    } catch (e) {
      data = { "text/plain": `display failed: ${(e as Error).message}` };
    }
    await this.flushStreams(); // keep the order of prints and displays
    const transient = options.displayId ? { display_id: options.displayId } : {};
    const type = options.update ? "update_display_data" : "display_data";
    if (options.update && !options.displayId) throw new Error("display: update needs the displayId of an earlier display");
    await this.publish(type, { data, metadata: {}, transient }, this.parent);
  }

  async clearOutput(wait = false): Promise<void> {
    await this.displayChain;
    await this.flushStreams();
    await this.publish("clear_output", { wait }, this.parent);
  }

  /** Python's input(): asks the frontend through the stdin channel. */
  input(prompt = "", password = false): Promise<string> {
    const parent = this.parent;
    if (!parent || !(parent.content as { allow_stdin?: boolean }).allow_stdin) {
      const e = new Error("input: this frontend does not accept input (allow_stdin is false), e.g. nbconvert");
      e.name = "StdinNotImplementedError";
      return Promise.reject(e);
    }
    if (this.pendingInput) return Promise.reject(new Error("input: another input() is still waiting for its answer"));
    return this.flushStreams().then(
      () =>
        new Promise<string>((resolve, reject) => {
          this.pendingInput = { resolve, reject };
          void this.out.stdin.send(
            serialize({ identities: parent.identities, header: header("input_request", this.session), parent_header: parent.header, metadata: {}, content: { prompt, password } }, this.signer),
          );
        }),
    );
  }

  private onStdin(msg: Message): void {
    if (msg.header.msg_type !== "input_reply") return;
    const pending = this.pendingInput;
    this.pendingInput = undefined;
    pending?.resolve(String((msg.content as { value?: unknown }).value ?? ""));
  }

  private installGlobals(): void {
    const g = globalThis as unknown as Record<string | symbol, unknown>;
    const show = (value: unknown, options?: { displayId?: string; update?: boolean }) => {
      void this.display(value, options).catch((e) => this.log(`display: ${(e as Error).message}`));
    };
    g.display = show;
    g[Symbol.for("tsdl.display")] = show;
    g.input = (prompt?: string, options?: { password?: boolean }) => this.input(prompt, options?.password ?? false);
    g.clearOutput = (options?: { wait?: boolean }) => void this.clearOutput(options?.wait ?? false);
    // The same, for `import { clearOutput, input } from "tsdl"` (src/display/kernel_io.ts).
    g[Symbol.for("tsdl.input")] = g.input;
    g[Symbol.for("tsdl.clearOutput")] = g.clearOutput;
  }

  /** A failure from no cell's await: on the running cell's stderr, else kept for the next cell. */
  private reportUnawaited(text: string): void {
    if (this.cellRunning) {
      process.stderr.write(text);
    } else {
      this.laterOutput.push(text);
      this.log(text.trimEnd());
    }
  }

  private installSafetyNets(): void {
    // Emscripten's loader (tfjs-backend-wasm) rethrows every unhandled rejection and uncaught exception,
    // which would kill the kernel: the kernel's handlers replace those.
    process.removeAllListeners("unhandledRejection");
    process.removeAllListeners("uncaughtException");
    process.removeAllListeners("SIGINT");
    process.on("unhandledRejection", (reason) => {
      const text = reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason);
      this.reportUnawaited(`Unhandled promise rejection (a promise nobody awaited failed):\n${text}\n`);
    });
    process.on("uncaughtException", (err) => {
      this.reportUnawaited(`Uncaught exception (from a callback or timer):\n${err?.stack ?? err}\n`);
    });
    // The kernel owns SIGINT (Kernel > Interrupt): stop the cell, never the process.
    process.on("SIGINT", () => this.interrupt());
  }

  private interrupt(): void {
    requestInterrupt();
    this.pendingInput?.reject(Object.assign(new Error("input interrupted"), { name: "KeyboardInterrupt" }));
    this.pendingInput = undefined;
    if (this.engine?.running) setTimeout(() => this.engine.abortCurrent(), INTERRUPT_GRACE_MS).unref();
  }

  /** The server that started the kernel is gone: stop the cell (fit ends at its next batch) and exit. */
  private parentGone(why: string): void {
    this.log(`${why}: shutting down`);
    this.stopping = true;
    this.interrupt();
    this.server?.close();
    const t0 = performance.now();
    const poll = setInterval(() => {
      if (this.engine?.running && performance.now() - t0 < INTERRUPT_GRACE_MS + 500) return;
      clearInterval(poll);
      process.exit(0);
    }, 50);
  }

  // ---- shell ---------------------------------------------------------------------------------------

  private enqueue(msg: Message): void {
    // Comm messages are handled at once, also while a cell runs (a Stop button during fit).
    if (/^comm_(open|msg|close|info_request)$/.test(msg.header.msg_type)) return void this.onComm(msg);
    this.queue.push({ msg, socket: "shell", receivedAt: performance.now() });
    if (!this.processing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length) {
        const { msg, receivedAt } = this.queue.shift()!;
        await this.publish("status", { execution_state: "busy" }, msg);
        try {
          if (msg.header.msg_type === "execute_request" && receivedAt < this.abortBefore) {
            await this.reply("shell", msg, "execute_reply", { status: "aborted", execution_count: this.executionCount }, { status: "aborted" });
          } else {
            await this.onShell(msg);
          }
        } catch (e) {
          this.log(`error handling ${msg.header.msg_type}: ${(e as Error)?.stack ?? e}`);
        }
        await this.flushStreams();
        await this.publish("status", { execution_state: "idle" }, msg);
      }
    } finally {
      this.processing = false;
    }
  }

  private async onShell(msg: Message): Promise<void> {
    const c = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case "kernel_info_request":
        // A frontend takes the kernel as ready on this reply, and JupyterLab drops completions that take
        // over a second. From the start-up snapshot TypeScript is ready well within that: the reply goes
        // at once, and the frontend's first cell comes while TypeScript is still starting (a cell waits
        // for it). Without the snapshot (seconds) the first reply waits until TypeScript has its
        // declarations loaded, at most 30 s.
        if (!this.firstKernelInfo) {
          this.firstKernelInfo = true;
          if (!this.server?.fromSnapshot) await Promise.race([this.server?.declarationsLoaded.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
        }
        await this.reply("shell", msg, "kernel_info_reply", this.kernelInfo());
        trace("kernel_info_reply sent");
        this.firstReplied();
        return;
      case "execute_request":
        trace("execute_request");
        return this.execute(msg);
      case "is_complete_request": {
        const r = await this.safe<{ status: string; indent?: string }>(() => this.engine.isComplete(String(c.code ?? "")), { status: "unknown" });
        return this.reply("shell", msg, "is_complete_reply", r);
      }
      case "complete_request": {
        const code = String(c.code ?? "");
        const r = await this.safe(() => this.engine.complete(code, Number(c.cursor_pos ?? code.length)), { matches: [], cursor_start: 0, cursor_end: 0 });
        return this.reply("shell", msg, "complete_reply", { status: "ok", ...r, metadata: {} });
      }
      case "inspect_request": {
        const code = String(c.code ?? "");
        const text = await this.safe(() => this.engine.inspect(code, Number(c.cursor_pos ?? code.length)), undefined);
        return this.reply("shell", msg, "inspect_reply", { status: "ok", found: !!text, data: text ? { "text/plain": text } : {}, metadata: {} });
      }
      case "history_request":
        return this.reply("shell", msg, "history_reply", { status: "ok", history: this.history.query(c) });
      case "shutdown_request":
        return this.shutdown(msg, "shell");
      case "interrupt_request":
        this.interrupt();
        return this.reply("shell", msg, "interrupt_reply", { status: "ok" });
      default:
        this.log(`ignored unknown shell message type ${JSON.stringify(msg.header.msg_type)}`);
    }
  }

  /** A comm message (comms.ts): its handler's outputs belong to it, then the cell's outputs go on. */
  private async onComm(msg: Message): Promise<void> {
    const c = msg.content as Record<string, unknown>;
    await this.publish("status", { execution_state: "busy" }, msg);
    try {
      await this.started.catch(() => {});
      if (msg.header.msg_type === "comm_info_request") {
        const target = typeof c.target_name === "string" ? c.target_name : undefined;
        await this.reply("shell", msg, "comm_info_reply", { status: "ok", comms: this.comms.info(target) });
      } else {
        // No await between setting the parent and putting it back: the handler's synchronous prints are its.
        void this.flushStreams();
        const cell = this.parent;
        this.parent = msg;
        let flushed: Promise<void> = Promise.resolve();
        try {
          this.comms.handle(msg.header.msg_type, c, msg.buffers, msg.metadata, msg.header.msg_id);
        } finally {
          flushed = this.flushStreams();
          this.parent = cell;
        }
        await flushed;
      }
    } catch (e) {
      this.log(`error handling ${msg.header.msg_type}: ${(e as Error)?.stack ?? e}`);
    }
    await this.publish("status", { execution_state: "idle" }, msg);
  }

  private async safe<T>(f: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await f();
    } catch (e) {
      this.log(`engine: ${(e as Error).message}`);
      return fallback;
    }
  }

  private kernelInfo(): Content {
    let backendText = "being chosen (the kernel is starting)";
    try {
      if (this.tsdl) backendText = this.tsdl.describeBackend(this.tsdl.backend());
    } catch {
      /* not ready yet */
    }
    const tsVersion = (JSON.parse(readFileSync(new URL(import.meta.resolve("@tslab/typescript-for-tslab/package.json")), "utf8")) as { version: string }).version;
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "tsdl",
      implementation_version: version,
      language_info: {
        name: "typescript",
        version: tsVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        // JupyterLab 4 (CodeMirror 6) looks the editor's language up by this name: "typescript" is its
        // TypeScript mode; classic Notebook's CodeMirror 5 finds its TypeScript mode by the same name.
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
      banner: `tsdl ${version}: TypeScript ${tsVersion} on Node.js ${process.versions.node}\nBackend: ${backendText}`,
      help_links: [
        { text: "tsdl README", url: "https://www.npmjs.com/package/tsdl" },
        { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      ],
      debugger: false,
    };
  }

  private async execute(msg: Message): Promise<void> {
    const c = msg.content as { code?: string; silent?: boolean; store_history?: boolean; stop_on_error?: boolean; user_expressions?: Record<string, string> };
    const code = String(c.code ?? "");
    const silent = c.silent === true;
    const storeHistory = silent ? false : c.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    this.parent = msg;
    resetInterrupt(); // before any wait: an interrupt from now on is this cell's
    this.cellRunning = true;
    if (!silent) await this.publish("execute_input", { code, execution_count: count }, msg);
    if (this.laterOutput.length) {
      const earlier = this.laterOutput.join("");
      this.laterOutput = [];
      await this.publish("stream", { name: "stderr", text: `(from an earlier cell, after it had finished)\n${earlier}` }, msg);
    }
    let before: ReturnType<typeof census> | undefined;
    const outcome: CellOutcome =
      code.trim() === ""
        ? { status: "ok", hasValue: false }
        : await this.engine.run(code, `cell[${count}]`, { beforeRun: () => (before = this.tsdl.config.tensorLeakHint ? census(this.tsdl.tf) : undefined) });
    // A promise the cell made and nobody awaited fails now, while this cell still runs: its stderr.
    await new Promise((resolve) => setImmediate(resolve));
    if (before) {
      try {
        const tf = this.tsdl.tf;
        const held = reachableNewTensors([...this.engine.variables(), outcome.status === "ok" ? outcome.value : undefined], before.nextId, (v) => v instanceof tf.Tensor);
        const line = leakHint(before, census(tf), held);
        if (line) process.stderr.write(`${line}\n`);
      } catch (e) {
        this.log(`leak hint: ${(e as Error)?.message ?? e}`);
      }
    }
    await this.displayChain;
    await this.flushStreams();
    this.cellRunning = false;
    if (outcome.status === "ok") {
      let resultText: string | undefined;
      if (outcome.hasValue && !silent) {
        let data: MimeBundle;
        try {
          data = await toBundle(outcome.value);
        } catch (e) {
          data = { "text/plain": `(display failed: ${(e as Error).message})` };
        }
        await this.publish("execute_result", { execution_count: count, data, metadata: {} }, msg);
        resultText = typeof data["text/plain"] === "string" ? data["text/plain"] : undefined;
      }
      if (storeHistory) this.history.add(count, code, resultText);
      await this.reply("shell", msg, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: {} }, { status: "ok" });
      trace("execute_reply sent");
      return;
    }
    const error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    if (!silent) await this.publish("error", error, msg);
    if (storeHistory) this.history.add(count, code);
    if (c.stop_on_error !== false) this.abortBefore = performance.now();
    await this.reply("shell", msg, "execute_reply", { status: "error", execution_count: count, ...error }, { status: "error" });
  }

  // ---- control -------------------------------------------------------------------------------------

  private async onControl(msg: Message): Promise<void> {
    await this.publish("status", { execution_state: "busy" }, msg);
    switch (msg.header.msg_type) {
      case "shutdown_request":
        await this.shutdown(msg, "control");
        return;
      case "interrupt_request":
        this.interrupt();
        await this.reply("control", msg, "interrupt_reply", { status: "ok" });
        break;
      case "kernel_info_request":
        await this.reply("control", msg, "kernel_info_reply", this.kernelInfo());
        break;
      default:
        this.log(`ignored unknown control message type ${JSON.stringify(msg.header.msg_type)}`);
    }
    await this.publish("status", { execution_state: "idle" }, msg);
  }

  private async shutdown(msg: Message, channel: "shell" | "control"): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const restart = (msg.content as { restart?: boolean }).restart === true;
    await this.reply(channel, msg, "shutdown_reply", { status: "ok", restart });
    await this.publish("status", { execution_state: "idle" }, msg);
    this.log(restart ? "restart requested: exiting for the manager to start a new kernel" : "shutdown requested");
    this.server?.close();
    setTimeout(() => process.exit(0), 50);
  }
}

/** `tsdl kernel --connection-file F`. */
/** Runs a kernel on a connection file; `server`: its TypeScript process when the caller started it already. */
export async function runKernel(connectionFile: string, server?: TypeScriptServer): Promise<Kernel> {
  let conn: ConnectionInfo;
  try {
    conn = JSON.parse(readFileSync(connectionFile, "utf8"));
  } catch (e) {
    throw new Error(`tsdl kernel: cannot read the connection file ${connectionFile}: ${(e as Error).message}`);
  }
  const kernel = new Kernel(conn);
  await kernel.start(server);
  return kernel;
}
