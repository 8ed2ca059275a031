import type { ScheduleGate } from "@nightshift/config";
import { evaluateCommandGate } from "./command-gate.ts";
import type { GateContext, GateResult } from "./gate.ts";
import { evaluateGithubIssuesGate } from "./github-issues-gate.ts";

export type { GateContext, GateResult } from "./gate.ts";

/** Evaluates a schedule's gate; a gate that throws is a gate error, never a pass. */
export async function evaluateGate(gate: ScheduleGate, ctx: GateContext): Promise<GateResult> {
  try {
    switch (gate.type) {
      case "command":
        return await evaluateCommandGate(gate, ctx);
      case "github-issues":
        return await evaluateGithubIssuesGate(gate, ctx);
    }
  } catch (err) {
    return { pass: false, error: true, detail: err instanceof Error ? err.message : String(err) };
  }
}
