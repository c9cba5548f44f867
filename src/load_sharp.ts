// sharp (libvips) loaded on first use: most sessions never draw a PNG or decode an image file, and the
// library costs a kernel ~20 MiB of memory from the start (many kernels share a server). Its thread pool
// follows the process' thread budget (VIPS_CONCURRENCY, set by backend/threads.ts before it loads).
import type Sharp from "sharp";
import { applyThreadBudget } from "./backend/threads.js";

let loading: Promise<typeof Sharp> | undefined;

/** The `sharp` function, loading the library the first time. */
export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= (applyThreadBudget(), import("sharp").then((m) => m.default)));
}
