import type { CommandGate } from "@nightshift/config";
import { spawnGroup, terminate } from "@nightshift/sandbox";
import type { GateContext, GateResult } from "./gate.ts";

const TAIL = 400;

function tail(chunks: Buffer[]): string {
  const text = Buffer.concat(chunks).toString("utf8").trim();
  return text.length > TAIL ? `…${text.slice(-TAIL)}` : text;
}

/**
 * Runs `sh -c <command>` in its own process group: exit code 0 passes; another code skips
 * the fire; 126/127 (not executable, not found), a signal or the timeout are gate errors.
 */
export async function evaluateCommandGate(
  gate: CommandGate,
  ctx: GateContext,
): Promise<GateResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env["NIGHTSHIFT_SCHEDULE"] = ctx.schedule;
  env["NIGHTSHIFT_SLOT"] = ctx.slot.toISOString();
  const proc = spawnGroup({ argv: ["sh", "-c", gate.command], cwd: gate.cwd ?? ctx.cwd, env });
  const out: Buffer[] = [];
  proc.stdout.on("data", (b: Buffer) => out.push(b));
  proc.stderr.on("data", (b: Buffer) => out.push(b));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void terminate(proc, 2_000);
  }, gate.timeout);
  const { code, signal } = await proc.exited.finally(() => clearTimeout(timer));
  const output = tail(out);
  const suffix = output ? `: ${output}` : "";
  if (timedOut) return { pass: false, error: true, detail: `timed out after ${gate.timeout} ms` };
  if (code === 0) return { pass: true, detail: `exit code 0${suffix}` };
  if (code === null) return { pass: false, error: true, detail: `killed by ${signal ?? "signal"}` };
  return { pass: false, error: code === 126 || code === 127, detail: `exit code ${code}${suffix}` };
}
