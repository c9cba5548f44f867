// The widget model: a state of traits (ipywidgets' names, snake_case on the wire, camelCase in
// TypeScript) kept in sync with the front end over a "jupyter.widget" comm (Jupyter widgets message
// protocol 2.1, as @jupyter-widgets/base 6 and jupyterlab-manager 5 speak it):
//   kernel -> front end: comm_open {state, buffer_paths} (metadata version 2.1.0), update, custom;
//   front end -> kernel: update (answered by echo_update), request_state (answered by update), custom.
// Outside the kernel (a script, a test) there is no comm: the state is kept and nothing is sent.
import { commManager, randomId, type Comm, type CommManager, type CommMessage } from "../kernel/comms.js";
import { putBuffers, removeBuffers, type BufferPath } from "./buffers.js";

export const PROTOCOL_VERSION = "2.1.0";
export const CONTROLS = "@jupyter-widgets/controls";
export const BASE = "@jupyter-widgets/base";
export const CONTROLS_VERSION = "2.0.0";
export const BASE_VERSION = "2.0.0";
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

export type State = Record<string, unknown>;

/** What an observer gets: ipywidgets' (traitlets') change. */
export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
  type: "change";
}

export type Observer = (change: Change<any>) => void;

/** A model's identity and its traits' defaults (a function default makes a fresh value per widget). */
export interface ModelSpec {
  modelName: string;
  modelModule: string;
  modelModuleVersion: string;
  viewName: string | null;
  viewModule: string;
  viewModuleVersion: string;
  traits: Record<string, unknown>;
}

/** Traits whose values are widgets (sent as "IPY_MODEL_<id>"). */
const WIDGET_TRAITS = new Set(["layout", "style", "children", "source", "target"]);

export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (s: string) => s.replace(/^_+/, "").replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function registry(): Map<string, Widget> {
  const g = globalThis as unknown as Record<symbol, Map<string, Widget> | undefined>;
  return (g[Symbol.for("tsdl.widgets")] ??= new Map());
}

/** Every open widget, by model id. */
export function liveWidgets(): Map<string, Widget> {
  return registry();
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Widget || b instanceof Widget) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
}

function toJson(v: unknown): unknown {
  if (v instanceof Widget) return `IPY_MODEL_${v.modelId}`;
  if (Array.isArray(v)) return v.map(toJson);
  return v;
}

function fromJson(name: string, v: unknown): unknown {
  if (!WIDGET_TRAITS.has(name)) return v;
  const find = (x: unknown) => {
    if (typeof x === "string" && x.startsWith("IPY_MODEL_")) {
      const w = registry().get(x.slice("IPY_MODEL_".length));
      if (!w) throw new Error(`widget update: ${name} names ${x}, which is no open widget`);
      return w;
    }
    return x;
  };
  return Array.isArray(v) ? v.map(find) : find(v);
}

const accessorsMade = new WeakSet<object>();

/** The base of every widget model (ipywidgets' Widget). */
export class Widget {
  static spec: ModelSpec = {
    modelName: "WidgetModel",
    modelModule: BASE,
    modelModuleVersion: BASE_VERSION,
    viewName: null,
    viewModule: BASE,
    viewModuleVersion: BASE_VERSION,
    traits: { _view_count: null },
  };

  /** Extends a parent's spec: its traits and these. */
  static extend(parent: ModelSpec, spec: Partial<ModelSpec>): ModelSpec {
    return { ...parent, ...spec, traits: { ...parent.traits, ...(spec.traits ?? {}) } };
  }

  readonly modelId: string;
  /** The synced state, snake_case keys, widgets as objects. */
  protected readonly state: State = {};
  private comm: Comm | undefined;
  private observers: { handler: Observer; names: Set<string> | undefined }[] = [];
  private customHandlers: ((content: unknown, buffers: Uint8Array[]) => void)[] = [];
  /** Values being applied from the front end: they are not sent back. */
  private fromFrontEnd: State | undefined;
  /** True while the constructor applies the options (bounds are checked against each other after). */
  protected constructing = true;

  constructor(options: object = {}) {
    const spec = (this.constructor as typeof Widget).spec;
    this.modelId = randomId();
    makeAccessors(this.constructor as typeof Widget);
    for (const [k, v] of Object.entries(spec.traits)) this.state[k] = typeof v === "function" ? (v as () => unknown)() : Array.isArray(v) ? [...v] : v;
    Object.assign(this.state, {
      _model_name: spec.modelName,
      _model_module: spec.modelModule,
      _model_module_version: spec.modelModuleVersion,
      _view_name: spec.viewName,
      _view_module: spec.viewModule,
      _view_module_version: spec.viewModuleVersion,
    });
    const rest = this.configure({ ...(options as Record<string, unknown>) });
    const entries = Object.entries(rest).filter(([, v]) => v !== undefined);
    // Bounds before the value they bound.
    entries.sort(([a], [b]) => Number(a === "value") - Number(b === "value"));
    for (const [key, value] of entries) {
      const name = snake(key);
      if (!(name in spec.traits) || name.startsWith("_")) {
        const known = Object.keys(spec.traits).filter((k) => !k.startsWith("_")).map(camel);
        throw new TypeError(`${this.constructor.name}: unknown option ${JSON.stringify(key)}; its options are ${[...known, ...this.extraOptions()].join(", ")}`);
      }
      this.state[name] = this.validate(name, value);
    }
    this.constructing = false;
    this.finish();
    registry().set(this.modelId, this);
    this.open();
  }

  /** Options a subclass takes itself (removed from what it returns). */
  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    return options;
  }

  /** Names of the options configure() takes, for error messages. */
  protected extraOptions(): string[] {
    return [];
  }

  /** Checks and coerces a trait's new value (throws a TypeError naming the widget and trait). */
  protected validate(_name: string, value: unknown): unknown {
    return value;
  }

  /** After the options are applied, before the comm opens. */
  protected finish(): void {}

  /** The value of a trait (snake_case name). */
  get(name: string): unknown {
    return this.state[name];
  }

  /** Sets traits (snake_case names): validated, observers told, the front end updated in one message. */
  set(patch: State): void {
    const changes: Change[] = [];
    for (const [name, raw] of Object.entries(patch)) {
      if (!(name in this.state)) throw new TypeError(`${this.constructor.name} has no trait ${JSON.stringify(name)}`);
      const value = this.validate(name, raw);
      const old = this.state[name];
      if (same(old, value)) continue;
      this.state[name] = value;
      changes.push({ name, old, new: value, owner: this, type: "change" });
    }
    const send = changes.filter((c) => !(this.fromFrontEnd && c.name in this.fromFrontEnd && same(this.fromFrontEnd[c.name], toJson(c.new)))).map((c) => c.name);
    if (send.length) this.sendState(send);
    for (const c of changes) this.notify(c);
  }

  /** Tells observers of `change.name` (also used by subclasses for derived traits such as Dropdown's value). */
  protected notify(change: Change): void {
    for (const o of [...this.observers]) {
      if (o.names && !o.names.has(change.name) && !o.names.has(camel(change.name))) continue;
      try {
        o.handler({ ...change, name: camel(change.name) });
      } catch (e) {
        process.stderr.write(`${this.constructor.name}: an observer of ${camel(change.name)} failed:\n${(e as Error)?.stack ?? e}\n`);
      }
    }
  }

  /**
   * Calls `handler({ name, old, new, owner, type })` when the named traits change (all traits without
   * names), whether the change came from the kernel or the front end. Names may be camelCase or snake_case.
   */
  observe(handler: Observer, names?: string | string[]): this {
    const list = names === undefined ? undefined : Array.isArray(names) ? names : [names];
    this.observers.push({ handler, names: list ? new Set(list.flatMap((n) => [n, snake(n)])) : undefined });
    return this;
  }

  unobserve(handler: Observer): this {
    this.observers = this.observers.filter((o) => o.handler !== handler);
    return this;
  }

  /** The state as it goes on the wire (widgets as "IPY_MODEL_<id>", binary values as they are). */
  getState(keys?: string[]): State {
    const out: State = {};
    for (const k of keys ?? Object.keys(this.state).sort()) out[k] = toJson(this.state[k]);
    return out;
  }

  /** A custom message to the front end ({method: "custom", content}). */
  send(content: unknown, buffers: Uint8Array[] = []): void {
    this.comm?.send({ method: "custom", content }, { buffers });
  }

  /** Handles custom messages from the front end. */
  onMsg(handler: (content: any, buffers: Uint8Array[]) => void): this {
    this.customHandlers.push(handler);
    return this;
  }

  /** Closes the comm: the front end drops the model and its views. */
  close(): void {
    registry().delete(this.modelId);
    this.comm?.close();
    this.comm = undefined;
  }

  get closed(): boolean {
    return !registry().has(this.modelId);
  }

  private open(): void {
    const manager = commManager();
    if (!manager) return;
    const { state, bufferPaths, buffers } = removeBuffers(this.getState());
    this.comm = manager.open("jupyter.widget", { state, buffer_paths: bufferPaths }, { commId: this.modelId, buffers, metadata: { version: PROTOCOL_VERSION } });
    this.comm.onMsg((m) => this.receive(m));
    this.comm.onClose(() => {
      registry().delete(this.modelId);
      this.comm = undefined;
    });
  }

  protected sendState(keys?: string[]): void {
    if (!this.comm) return;
    const { state, bufferPaths, buffers } = removeBuffers(this.getState(keys));
    this.comm.send({ method: "update", state, buffer_paths: bufferPaths }, { buffers });
  }

  private receive(m: CommMessage): void {
    const data = m.data as { method?: string; state?: State; buffer_paths?: BufferPath[]; content?: unknown };
    switch (data.method) {
      case "update": {
        const state = { ...(data.state ?? {}) };
        putBuffers(state, data.buffer_paths ?? [], m.buffers);
        const known = Object.fromEntries(Object.entries(state).filter(([k]) => k in this.state));
        // ipywidgets 8: the values are echoed at once, so every front end (and the sender) agrees.
        if (Object.keys(known).length) {
          const echo = removeBuffers(known);
          this.comm?.send({ method: "echo_update", state: echo.state, buffer_paths: echo.bufferPaths }, { buffers: echo.buffers });
        }
        this.fromFrontEnd = known;
        try {
          this.set(Object.fromEntries(Object.entries(known).map(([k, v]) => [k, fromJson(k, v)])));
        } finally {
          this.fromFrontEnd = undefined;
        }
        return;
      }
      case "request_state":
        return this.sendState();
      case "custom":
        this.handleCustom(data.content, m.buffers);
        return;
      default:
        process.stderr.write(`${this.constructor.name}: unknown widget message method ${JSON.stringify(data.method)}\n`);
    }
  }

  protected handleCustom(content: unknown, buffers: Uint8Array[]): void {
    for (const h of this.customHandlers) h(content, buffers);
  }

  /** Python's repr: the class and its traits that differ from their defaults. */
  toString(): string {
    const spec = (this.constructor as typeof Widget).spec;
    const keys = Object.keys(spec.traits).filter((k) => !k.startsWith("_") && k !== "layout" && k !== "style" && typeof spec.traits[k] !== "function" && !same(spec.traits[k], this.state[k]));
    keys.sort((a, b) => (a === "value" ? -1 : b === "value" ? 1 : a < b ? -1 : 1));
    const show = (v: unknown): string => (typeof v === "string" ? `'${v}'` : v instanceof Widget ? v.toString() : Array.isArray(v) ? `[${v.map(show).join(", ")}]` : v === null ? "None" : typeof v === "boolean" ? (v ? "True" : "False") : String(v));
    return `${this.constructor.name}(${keys.map((k) => `${k}=${show(this.state[k])}`).join(", ")})`;
  }

  /** A cell's value or display(w): the widget's view (the text for front ends without widgets). */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    let text = this.toString();
    if (text.length > 110) text = `${text.slice(0, 110)}…`;
    return { "text/plain": text, [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.modelId } };
  }
}

/** camelCase accessors for a class's traits (those it does not define itself). */
function makeAccessors(ctor: typeof Widget): void {
  if (accessorsMade.has(ctor)) return;
  accessorsMade.add(ctor);
  const proto = ctor.prototype as object;
  for (const name of Object.keys(ctor.spec.traits)) {
    if (name.startsWith("_")) continue;
    const key = camel(name);
    let p: object | null = proto;
    let defined = false;
    while (p && p !== Object.prototype) {
      if (Object.getOwnPropertyDescriptor(p, key)) defined = true;
      p = Object.getPrototypeOf(p);
    }
    if (defined) continue;
    Object.defineProperty(proto, key, {
      get(this: Widget) {
        return this.get(name);
      },
      set(this: Widget, v: unknown) {
        this.set({ [name]: v });
      },
      configurable: true,
    });
  }
}

/** The widgets' state as notebooks save it (application/vnd.jupyter.widget-state+json, ipywidgets' embed format). */
export function managerState(widgets: Iterable<Widget> = registry().values()): { version_major: 2; version_minor: 0; state: Record<string, unknown> } {
  const state: Record<string, unknown> = {};
  for (const w of widgets) {
    const { state: s, bufferPaths, buffers } = removeBuffers(w.getState());
    state[w.modelId] = {
      model_name: s._model_name,
      model_module: s._model_module,
      model_module_version: s._model_module_version,
      state: s,
      ...(buffers.length ? { buffers: buffers.map((b, i) => ({ path: bufferPaths[i], data: Buffer.from(b).toString("base64"), encoding: "base64" })) } : {}),
    };
  }
  return { version_major: 2, version_minor: 0, state };
}

/**
 * The "jupyter.widget.control" target (protocol 2.1): a front end that connects to a running kernel
 * (a reload, a second tab, after a restart) asks for every model's state at once.
 */
export function registerControlTarget(manager: CommManager): void {
  manager.registerTarget("jupyter.widget.control", (comm) => {
    comm.onMsg((m) => {
      if ((m.data as { method?: string }).method !== "request_states") return;
      const states: Record<string, unknown> = {};
      for (const w of registry().values()) {
        const s = w.getState();
        states[w.modelId] = { model_name: s._model_name, model_module: s._model_module, model_module_version: s._model_module_version, state: s };
      }
      const { state, bufferPaths, buffers } = removeBuffers(states);
      comm.send({ method: "update_states", states: state, buffer_paths: bufferPaths }, { buffers });
    });
  });
}

const manager = commManager();
if (manager) registerControlTarget(manager);
