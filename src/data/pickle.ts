// A reader for the Python pickles inside NumPy's object arrays (np.save of a dtype=object array, as
// Keras' imdb.npz holds its reviews: arrays of Python lists of ints). It runs the pickle machine for the
// opcodes of protocols 0-5 that such files use and builds plain values: ints as numbers, str as strings,
// bytes as Uint8Array, lists and tuples as arrays, dicts as Maps, None as null. A NumPy array
// (numpy.core.multiarray._reconstruct, then its __setstate__) becomes a PickledArray; any other class
// is an error naming it: nothing in the file is ever called.

/** A NumPy array rebuilt from a pickle: its shape, dtype descr and elements (objects) or raw bytes. */
export interface PickledArray {
  kind: "ndarray";
  shape: number[];
  descr: string;
  /** Object arrays: the elements, C order. */
  objects?: unknown[];
  /** Other dtypes: the raw little-endian data. */
  bytes?: Uint8Array;
}

interface Global {
  kind: "global";
  module: string;
  name: string;
}
interface DType {
  kind: "dtype";
  descr: string;
}

const MARK = Symbol("mark");
const RECONSTRUCT = new Set(["numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"]);
const NDARRAY = new Set(["numpy.ndarray"]);
const DTYPE = new Set(["numpy.dtype"]);
/** How protocols 0-2 write Python 3 bytes: _codecs.encode(str, "latin1"). */
const ENCODE = new Set(["_codecs.encode"]);

/** Protocol 0's STRING argument: a Python string literal ('...' or "..."), with its escapes. */
function pyLiteral(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) throw new Error(`not a quoted string: ${s.slice(0, 40)}`);
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[nrt\\'"])/g, (_, e: string) => (e[0] === "x" ? String.fromCharCode(parseInt(e.slice(1), 16)) : e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e));
}

/** Protocol 0's UNICODE argument: raw-unicode-escape (\uXXXX and \UXXXXXXXX escapes). */
function rawUnicode(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u?: string, U?: string) => String.fromCodePoint(parseInt((u ?? U)!, 16)));
}

function isGlobal(v: unknown, names: Set<string>): v is Global {
  return typeof v === "object" && v !== null && (v as Global).kind === "global" && names.has(`${(v as Global).module}.${(v as Global).name}`);
}

/** Little-endian two's complement bytes as a number (exact up to 2**53). */
function signedLE(b: Uint8Array): number {
  let v = 0;
  for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i];
  if (b.length && b[b.length - 1] & 0x80) v -= 2 ** (8 * b.length);
  return v;
}

export function unpickle(buf: Uint8Array, where: string): unknown {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const text = new TextDecoder();
  let pos = 0;
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what} (pickle byte ${pos})`);
  };
  const need = (n: number) => {
    if (pos + n > buf.length) fail("the pickle is truncated");
  };
  const u8 = () => (need(1), buf[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => (need(8), (pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const bytes = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos));
  const line = () => {
    const end = buf.indexOf(10, pos);
    if (end < 0) fail("an unterminated text argument");
    // Protocol 0's text arguments are latin-1 (UNICODE's raw-unicode-escape writes U+0080..U+00FF raw).
    let s = "";
    for (let i = pos; i < end; i++) s += String.fromCharCode(buf[i]);
    pos = end + 1;
    return s;
  };
  const popMark = (): unknown[] => {
    let k = stack.length - 1;
    while (k >= 0 && stack[k] !== MARK) k--;
    if (k < 0) fail("no MARK on the stack");
    const items = stack.splice(k);
    items.shift();
    return items;
  };
  const pop = () => (stack.length ? stack.pop() : fail("the stack is empty"));
  const top = () => (stack.length ? stack[stack.length - 1] : fail("the stack is empty"));
  const reduce = (fn: unknown, args: unknown): unknown => {
    const a = args as unknown[];
    if (isGlobal(fn, RECONSTRUCT)) {
      if (!isGlobal(a[0], NDARRAY)) fail("_reconstruct of a class other than numpy.ndarray");
      return { kind: "ndarray", shape: [], descr: "" } satisfies PickledArray;
    }
    if (isGlobal(fn, DTYPE)) return { kind: "dtype", descr: String(a[0]) } satisfies DType;
    if (isGlobal(fn, ENCODE)) return Uint8Array.from(String(a[0]), (c) => c.charCodeAt(0) & 0xff);
    if (typeof fn === "object" && fn !== null && (fn as Global).kind === "global") fail(`it calls ${(fn as Global).module}.${(fn as Global).name}, which tsdl does not rebuild`);
    return fail("a call of something other than a class");
  };
  const build = (obj: unknown, state: unknown) => {
    if (typeof obj === "object" && obj !== null && (obj as PickledArray).kind === "ndarray") {
      // ndarray.__setstate__((version, shape, dtype, is_fortran, data))
      const s = state as unknown[];
      const [shape, dtype, fortran, data] = s.length === 5 ? s.slice(1) : s;
      const arr = obj as PickledArray;
      arr.shape = (shape as number[]).map(Number);
      arr.descr = (dtype as DType).descr;
      if (fortran && arr.shape.filter((d) => d > 1).length > 1) fail("a Fortran-ordered array");
      if (Array.isArray(data)) arr.objects = data;
      else if (data instanceof Uint8Array) arr.bytes = data;
      else if (typeof data === "string") arr.bytes = Uint8Array.from(data, (c) => c.charCodeAt(0)); // protocol 0-2 bytes as latin-1 str
      else fail("an array state without data");
    }
    // A dtype's state (byte order, fields, ...) and others: nothing to keep.
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(signedLE(bytes(u8()))); break; // LONG1
      case 0x8b: stack.push(signedLE(bytes(i32()))); break; // LONG4
      case 0x49: { const s = line(); stack.push(s === "01" ? true : s === "00" ? false : Number(s)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ""))); break; // LONG
      case 0x47: stack.push(view.getFloat64((need(8), (pos += 8), pos - 8), false)); break; // BINFLOAT
      case 0x46: stack.push(Number(line())); break; // FLOAT
      case 0x53: stack.push(pyLiteral(line())); break; // STRING
      case 0x56: stack.push(rawUnicode(line())); break; // UNICODE
      case 0x8c: stack.push(text.decode(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text.decode(bytes(u32()))); break; // BINUNICODE
      case 0x8d: stack.push(text.decode(bytes(u64()))); break; // BINUNICODE8
      case 0x55: stack.push(String.fromCharCode(...bytes(u8()))); break; // SHORT_BINSTRING (Python 2 str)
      case 0x54: stack.push(Array.from(bytes(i32()), (c) => String.fromCharCode(c)).join("")); break; // BINSTRING
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x8e: stack.push(bytes(u64()).slice()); break; // BINBYTES8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x61: { const v = pop(); (top() as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const list = top() as unknown[]; for (const v of items) list.push(v); break; } // APPENDS
      case 0x64: { const items = popMark(); const m = new Map(); for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]); stack.push(m); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); (top() as Map<unknown, unknown>).set(k, v); break; } // SETITEM
      case 0x75: { const items = popMark(); const m = top() as Map<unknown, unknown>; for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]); break; } // SETITEMS
      case 0x63: { const module = line(); stack.push({ kind: "global", module, name: line() } satisfies Global); break; } // GLOBAL
      case 0x93: { const name = pop() as string; stack.push({ kind: "global", module: pop() as string, name } satisfies Global); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); stack.push(reduce(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(reduce(pop(), args)); break; } // NEWOBJ
      case 0x62: { const state = pop(); build(top(), state); break; } // BUILD
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(memo.get(Number(line()))); break; // GET
      case 0x68: stack.push(memo.get(u8())); break; // BINGET
      case 0x6a: stack.push(memo.get(u32())); break; // LONG_BINGET
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      default: fail(`opcode 0x${op.toString(16)} is not one tsdl reads`);
    }
  }
}
