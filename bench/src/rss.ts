import { readFileSync } from "node:fs";

/** Resident set size of one process in MiB (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** RSS of a process and all its descendants (the executor and its spawn launcher), in MiB. */
export function treeRssMb(pid: number): number {
  return rssMb(pid) + children(pid).reduce((sum, c) => sum + treeRssMb(c), 0);
}

/** Samples `measure` every `everyMs` until stopped; resolves the largest value seen. */
export function sampleMax(measure: () => number, everyMs = 100): { stop(): number } {
  let max = measure();
  const timer = setInterval(() => {
    max = Math.max(max, measure());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, measure());
    },
  };
}
