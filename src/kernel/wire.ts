// Jupyter's wire protocol (messaging spec 5.3): frames, HMAC signatures, headers.
//   [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

/** Signs frames with the connection's key; an empty key means no signing (as Jupyter allows). */
export class Signer {
  private readonly algorithm: string | undefined;
  constructor(private readonly key: string, scheme: string) {
    if (!key) {
      this.algorithm = undefined;
      return;
    }
    const m = /^hmac-(.+)$/.exec(scheme);
    if (!m) throw new Error(`connection file: signature_scheme must be "hmac-<hash>", got ${JSON.stringify(scheme)}`);
    this.algorithm = m[1];
  }

  sign(frames: (Buffer | string)[]): string {
    if (!this.algorithm) return "";
    const h = createHmac(this.algorithm, this.key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  }

  verify(signature: string, frames: Buffer[]): boolean {
    if (!this.algorithm) return true;
    const expected = Buffer.from(this.sign(frames));
    const got = Buffer.from(signature);
    return expected.length === got.length && timingSafeEqual(expected, got);
  }
}

/** Why a message was dropped; the kernel logs it and goes on. */
export class WireError extends Error {}

export function parse(frames: Buffer[], signer: Signer): Message {
  const i = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (i < 0) throw new WireError("no <IDS|MSG> delimiter");
  if (frames.length < i + 6) throw new WireError(`${frames.length - i - 1} frames after the delimiter, expected at least 5`);
  const [signature, header, parent, metadata, content] = frames.slice(i + 1, i + 6);
  if (!signer.verify(signature.toString(), [header, parent, metadata, content])) throw new WireError("bad signature");
  const json = (b: Buffer, what: string) => {
    try {
      const v = JSON.parse(b.toString("utf8"));
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      return v;
    } catch (e) {
      throw new WireError(`${what} is not a JSON object: ${(e as Error).message}`);
    }
  };
  const h = json(header, "header") as Header;
  if (typeof h.msg_type !== "string" || typeof h.msg_id !== "string") throw new WireError("header lacks msg_type or msg_id");
  return {
    identities: frames.slice(0, i),
    header: h,
    parent_header: json(parent, "parent_header"),
    metadata: json(metadata, "metadata"),
    content: json(content, "content"),
    buffers: frames.slice(i + 6),
  };
}

export function header(msgType: string, session: string): Header {
  return { msg_id: randomUUID(), msg_type: msgType, session, username: "tsdl", date: new Date().toISOString(), version: PROTOCOL_VERSION };
}

export function serialize(msg: Omit<Message, "buffers"> & { buffers?: Buffer[] }, signer: Signer): (Buffer | string)[] {
  const parts = [JSON.stringify(msg.header), JSON.stringify(msg.parent_header), JSON.stringify(msg.metadata), JSON.stringify(msg.content)];
  return [...msg.identities, DELIMITER, signer.sign(parts), ...parts, ...(msg.buffers ?? [])];
}
