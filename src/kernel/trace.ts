// `TSDL_KERNEL_TRACE=1`: the kernel's start and first cells, phase by phase, with milliseconds since its
// process started, on the real stderr (Jupyter's server log). Off by default; one check per call.
const write = process.stderr.write.bind(process.stderr); // before the kernel captures stderr for cells

export const tracing = process.env.TSDL_KERNEL_TRACE === "1";

export function trace(what: string): void {
  if (tracing) write(`[tsdl kernel] ${performance.now().toFixed(0)} ms: ${what}\n`);
}
