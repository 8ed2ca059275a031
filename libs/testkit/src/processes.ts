import { readFileSync, readdirSync } from "node:fs";

/** PIDs of live processes whose command line contains `marker` (reads /proc). */
export function processesMatching(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && cmd.includes(marker)) out.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}
