// Jupyter comms (messaging spec 5.3, "Custom messages"): comm_open, comm_msg and comm_close from either
// side, and comm_info. The kernel gives the manager a way to publish on iopub; cells (src/widgets) reach
// the manager through `globalThis[Symbol.for("tsdl.comms")]`.
//
// A front end that opens a comm for a target nobody registered gets comm_close back, as the spec asks.

/** What a comm message carries, either way: its data, binary buffers and metadata. */
export interface CommMessage {
  data: Record<string, unknown>;
  buffers: Uint8Array[];
  metadata: Record<string, unknown>;
  /** The id of the Jupyter message that carried it (outputs of its handler belong to it). */
  msgId?: string;
}

export interface CommSendOptions {
  buffers?: Uint8Array[];
  metadata?: Record<string, unknown>;
}

/** How the manager sends: on iopub, with the request being handled as parent. */
export interface CommTransport {
  publish(type: "comm_open" | "comm_msg" | "comm_close", content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: Uint8Array[]): void;
  /** The msg_id of the request whose outputs are being produced now (a cell or a comm message). */
  parentMsgId(): string | undefined;
  /** Resolves once the displays and prints made so far are on iopub. */
  flush(): Promise<void>;
}

export class Comm {
  private msgHandlers: ((m: CommMessage) => void)[] = [];
  private closeHandlers: ((m: CommMessage) => void)[] = [];
  private closed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** comm_msg to the front end. Sending on a closed comm is an error naming it. */
  send(data: Record<string, unknown>, options: CommSendOptions = {}): void {
    if (this.closed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed: nothing can be sent on it`);
    this.manager.transport?.publish("comm_msg", { comm_id: this.commId, data }, options.metadata ?? {}, options.buffers ?? []);
  }

  /** comm_close to the front end (once). */
  close(data: Record<string, unknown> = {}, options: CommSendOptions = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.commId);
    this.manager.transport?.publish("comm_close", { comm_id: this.commId, data }, options.metadata ?? {}, options.buffers ?? []);
  }

  onMsg(handler: (m: CommMessage) => void): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: (m: CommMessage) => void): void {
    this.closeHandlers.push(handler);
  }

  /** A comm_msg from the front end. */
  receive(m: CommMessage): void {
    for (const h of this.msgHandlers) h(m);
  }

  /** A comm_close from the front end. */
  closedByPeer(m: CommMessage): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.commId);
    for (const h of this.closeHandlers) h(m);
  }
}

/** Called when the front end opens a comm for this target; throwing refuses it (comm_close is sent). */
export type CommTarget = (comm: Comm, open: CommMessage) => void;

export class CommManager {
  private readonly comms = new Map<string, Comm>();
  private readonly targets = new Map<string, CommTarget>();

  constructor(
    public transport: CommTransport | undefined,
    private readonly log: (s: string) => void = () => {},
  ) {}

  registerTarget(name: string, target: CommTarget): void {
    this.targets.set(name, target);
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
  }

  /** Opens a comm from the kernel side (comm_open on iopub). */
  open(targetName: string, data: Record<string, unknown> = {}, options: CommSendOptions & { commId?: string } = {}): Comm {
    const id = options.commId ?? randomId();
    if (this.comms.has(id)) throw new Error(`comm ${id} is already open`);
    const comm = new Comm(id, targetName, this);
    this.comms.set(id, comm);
    this.transport?.publish("comm_open", { comm_id: id, target_name: targetName, data, target_module: null }, options.metadata ?? {}, options.buffers ?? []);
    return comm;
  }

  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /** comm_info_reply's `comms`: every open comm, or those of one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, c] of this.comms) if (!targetName || c.targetName === targetName) out[id] = { target_name: c.targetName };
    return out;
  }

  /** The id of the request whose outputs are being produced now. */
  parentMsgId(): string | undefined {
    return this.transport?.parentMsgId();
  }

  /** Resolves once the displays and prints made so far are sent (at once outside the kernel). */
  flush(): Promise<void> {
    return this.transport?.flush() ?? Promise.resolve();
  }

  /** A comm_open, comm_msg or comm_close from the front end. A handler's error is logged, never thrown. */
  handle(type: string, content: Record<string, unknown>, buffers: Uint8Array[], metadata: Record<string, unknown> = {}, msgId?: string): void {
    const id = String(content.comm_id ?? "");
    const m: CommMessage = { data: (content.data as Record<string, unknown>) ?? {}, buffers, metadata, msgId };
    if (type === "comm_open") {
      const name = String(content.target_name ?? "");
      const target = this.targets.get(name);
      if (!target || this.comms.has(id)) {
        this.log(target ? `comm_open for ${id}: that comm is already open` : `comm_open for target ${JSON.stringify(name)}: no such target, closing it`);
        this.transport?.publish("comm_close", { comm_id: id, data: {} }, {}, []);
        return;
      }
      const comm = new Comm(id, name, this);
      this.comms.set(id, comm);
      try {
        target(comm, m);
      } catch (e) {
        this.log(`comm target ${name} refused comm ${id}: ${(e as Error)?.stack ?? e}`);
        comm.close();
      }
      return;
    }
    const comm = this.comms.get(id);
    if (!comm) {
      this.log(`${type} for unknown comm ${id}: ignored`);
      return;
    }
    try {
      if (type === "comm_msg") comm.receive(m);
      else if (type === "comm_close") comm.closedByPeer(m);
    } catch (e) {
      // As ipykernel does: the traceback on stderr, which belongs to this comm message (Lab's log console).
      process.stderr.write(`Error in the ${type} handler of comm ${id} (${comm.targetName}):\n${(e as Error)?.stack ?? e}\n`);
    }
  }
}

/** A comm id as ipykernel makes them: 32 hex digits. */
export function randomId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, "");
}

const KEY = Symbol.for("tsdl.comms");

/** The kernel's manager, when cells run in the kernel. */
export function commManager(): CommManager | undefined {
  return (globalThis as unknown as Record<symbol, CommManager | undefined>)[KEY];
}

export function installCommManager(m: CommManager | undefined): void {
  (globalThis as unknown as Record<symbol, CommManager | undefined>)[KEY] = m;
}
