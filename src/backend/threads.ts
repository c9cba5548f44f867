// The thread budget of this process: how many threads each compute pool may run. Many kernels share a
// server (a JupyterHub class): each must not ask for every core of the machine.
//
// TSDL_THREADS, else OMP_NUM_THREADS (its first number), else the CPUs this process may run on
// (`os.availableParallelism()`: the affinity mask, e.g. `taskset -c 0`), further capped by a cgroup v2
// CPU quota (`cpu.max`, as a container or systemd's CPUQuota= sets it). Every pool follows it: oneDNN's
// OpenMP threads (the native kernels), XNNPACK's pthreads (the threaded wasm build, TSDL_WASM_THREADS
// overriding it there), libtensorflow's intra-/inter-op pools (tfjs-node, through TF_NUM_*_THREADS) and
// libvips' (sharp, through VIPS_CONCURRENCY), each set before the library loads unless already set.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface ThreadBudget {
  threads: number;
  /** Where the number comes from, in words. */
  source: string;
}

function whole(name: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(value)}: expected a whole number of threads, 1 or more`);
  return n;
}

/** The cgroup v2 CPU quota in CPUs (rounded up), or undefined where there is none. */
export function cgroupCpuLimit(): number | undefined {
  try {
    const self = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => l.startsWith("0::"));
    if (!self) return undefined;
    const [quota, period] = readFileSync(`/sys/fs/cgroup${self.slice(3).trim()}/cpu.max`, "utf8").trim().split(/\s+/);
    if (quota === "max" || !Number(period)) return undefined;
    return Math.max(1, Math.ceil(Number(quota) / Number(period)));
  } catch {
    return undefined;
  }
}

/** This process' thread budget (read from the environment each time). */
export function threadBudget(env: NodeJS.ProcessEnv = process.env): ThreadBudget {
  if (env.TSDL_THREADS !== undefined && env.TSDL_THREADS !== "") return { threads: whole("TSDL_THREADS", env.TSDL_THREADS), source: "TSDL_THREADS" };
  if (env.OMP_NUM_THREADS !== undefined && env.OMP_NUM_THREADS !== "") {
    return { threads: whole("OMP_NUM_THREADS", env.OMP_NUM_THREADS.split(",")[0]), source: "OMP_NUM_THREADS" };
  }
  const cpus = os.availableParallelism();
  const quota = cgroupCpuLimit();
  if (quota !== undefined && quota < cpus) return { threads: quota, source: "the cgroup's CPU quota" };
  return { threads: cpus, source: "the CPUs this process may use" };
}

/** Sets the pools' own variables (each only where unset) before their libraries load. */
export function applyThreadBudget(budget: ThreadBudget = threadBudget()): void {
  const n = String(budget.threads);
  process.env.OMP_NUM_THREADS ??= n;
  process.env.TF_NUM_INTRAOP_THREADS ??= n;
  process.env.TF_NUM_INTEROP_THREADS ??= n;
  process.env.VIPS_CONCURRENCY ??= n;
}
