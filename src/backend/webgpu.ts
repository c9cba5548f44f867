// WebGPU through Dawn (the `webgpu` npm package ships dawn.node; no CUDA toolkit, nothing downloaded):
// on a machine with a GPU, Dawn drives it through Vulkan. A software adapter (Mesa's llvmpipe through
// Dawn's OpenGL ES backend, SwiftShader) is correct but slow, so it is only used when TSDL_BACKEND=webgpu
// asks for it. tfjs-backend-webgpu runs on the device tsdl picks here.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import tf from "../tfjs.cjs";

const require = createRequire(import.meta.url);

export interface WebGPUAttempt {
  ok: boolean;
  /** The adapter, in words ("NVIDIA H100 (vulkan)", "llvmpipe (OpenGL ES 3.2 Mesa)"). */
  adapter?: string;
  software?: boolean;
  message?: string;
  notInstalled?: boolean;
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
  features: Set<string>;
  limits: Record<string, number>;
  requestDevice(d: unknown): Promise<unknown>;
}

interface GpuLike {
  requestAdapter(o?: Record<string, unknown>): Promise<AdapterLike | null>;
}

function describe(a: AdapterLike): string {
  const i = a.info ?? {};
  return [i.vendor, i.device, i.description ? `(${i.description})` : ""].filter(Boolean).join(" ").trim() || "unnamed adapter";
}

/** True for CPU-emulated adapters, which are never chosen unless forced. */
export function isSoftwareAdapter(a: AdapterLike): boolean {
  return !!a.isFallbackAdapter || /llvmpipe|softpipe|swiftshader|lavapipe|software/i.test(describe(a));
}

async function findAdapter(forced: boolean): Promise<{ adapter: AdapterLike | null; gpu?: GpuLike; message?: string }> {
  const { create, globals } = (await import("webgpu")) as unknown as { create(o: string[]): GpuLike; globals: Record<string, unknown> };
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ... as a browser has them
  const gpu = create([]);
  const hardware = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (hardware && !isSoftwareAdapter(hardware)) return { adapter: hardware, gpu };
  if (!forced) {
    return { adapter: null, message: hardware ? `only a software adapter (${describe(hardware)}); TSDL_BACKEND=webgpu uses it anyway` : "no GPU adapter (Vulkan found no device)" };
  }
  if (hardware) return { adapter: hardware, gpu };
  // Forced, no Vulkan device: Dawn's OpenGL ES backend over Mesa (llvmpipe), headless.
  process.env.EGL_PLATFORM ??= "surfaceless";
  const glGpu = create(["backend=opengles"]);
  const gl = await glGpu.requestAdapter({ featureLevel: "compatibility" });
  return gl ? { adapter: gl, gpu: glGpu } : { adapter: null, message: "no adapter, not even a software one (is Mesa's EGL installed? Debian: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)" };
}

/** Dawn reaches real GPUs on Linux through the Vulkan loader; without it only software adapters exist. */
function hasVulkanLoader(): boolean {
  if (process.platform !== "linux") return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib"];
  return dirs.some((d) => existsSync(join(d, "libvulkan.so.1")));
}

/** Registers and selects the "webgpu" tfjs backend on the best adapter; says why not when it cannot. */
export async function tryWebGPU(forced: boolean): Promise<WebGPUAttempt> {
  try {
    require.resolve("webgpu");
    require.resolve("@tensorflow/tfjs-backend-webgpu");
  } catch {
    return { ok: false, notInstalled: true };
  }
  // Without the loader there is no GPU to find: skip loading Dawn (and its warning) unless forced.
  if (!forced && !hasVulkanLoader()) return { ok: false, message: "no Vulkan loader (libvulkan.so.1), so no GPU adapter; Debian: apt install libvulkan1" };
  const { adapter, gpu, message } = await findAdapter(forced);
  if (!adapter) return { ok: false, message };
  const software = isSoftwareAdapter(adapter);
  // Load the backend module before `navigator.gpu` exists, so that it does not register its own factory
  // (which would ask for an adapter without the options above); its constructor then needs navigator.gpu.
  const { WebGPUBackend } = require("@tensorflow/tfjs-backend-webgpu") as { WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend };
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  g.navigator!.gpu ??= gpu;
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  if (!tf.findBackendFactory("webgpu")) tf.registerBackend("webgpu", () => new WebGPUBackend(device, adapter.info ?? {}), 3);
  if (!(await tf.setBackend("webgpu"))) return { ok: false, adapter: describe(adapter), software, message: "tf.setBackend(\"webgpu\") failed" };
  return { ok: true, adapter: describe(adapter), software };
}
