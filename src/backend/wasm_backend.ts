// The parts of tfjs-backend-wasm's BackendWasm (4.22) that tsdl's kernels reach into: its heap, its
// record of each tensor (the module's id for it, where its memory starts, how many tensors share it)
// and its allocation calls. Described once, here, for every kernel file.
import tf from "../tfjs.cjs";

/** What the backend keeps per data id. */
export interface WasmTensorData {
  /** the id the wasm module knows the tensor by */
  id: number;
  /** where its memory starts in the heap, in bytes */
  memoryOffset: number;
  /** how many tensors share this memory */
  refCount: number;
}

export interface WasmBackend {
  wasm: {
    HEAPF32: Float32Array;
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
  };
  /** tfjs' DataStorage: `get` of an id it does not hold moves the data from another backend, so ask `has` first. */
  dataIdMap: { has(dataId: object): boolean; get(dataId: object): WasmTensorData | undefined; delete(dataId: object): boolean };
  /** the next module id the backend hands out */
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The backend's record of a tensor it holds; undefined for one it does not (another backend's). */
export function dataOf(b: WasmBackend, t: { dataId: object }): WasmTensorData | undefined {
  return b.dataIdMap.has(t.dataId) ? b.dataIdMap.get(t.dataId) : undefined;
}

/** Where a float32 tensor the backend holds starts in the heap, counted in floats. */
export function floatOffset(b: WasmBackend, t: { dataId: object }): number {
  return b.dataIdMap.get(t.dataId)!.memoryOffset / 4;
}

export function heap(b: WasmBackend): ArrayBuffer {
  return b.wasm.HEAPF32.buffer as ArrayBuffer;
}
