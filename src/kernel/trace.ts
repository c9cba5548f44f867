// The kernel's own lines on the real stderr (Jupyter's server log), never in a cell: `serverLog` for its
// diagnostics, and with `TSDL_KERNEL_TRACE=1` its start and first cells phase by phase, in milliseconds
// since its process started (`trace`). Off by default; one check per call.
const write = process.stderr.write.bind(process.stderr); // before the kernel captures stderr for cells

export const tracing = process.env.TSDL_KERNEL_TRACE === "1";

export function serverLog(s: string): void {
  write(`[tsdl kernel] ${s}\n`);
}

export function trace(what: string): void {
  if (tracing) serverLog(`${performance.now().toFixed(0)} ms: ${what}`);
}
