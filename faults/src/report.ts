import { TASK_CLASSES } from "./checker.ts";
import type { RunOutcome } from "./run.ts";

/** The run's report: what ran, what was injected, what became of every task, the verdict. */
export function formatReport(o: RunOutcome): string {
  const r = o.result;
  const total = r.tasks.length;
  const lines = [
    `nightshift fault suite, profile ${o.profile.name}, seed ${o.seed}`,
    `nats-server ${o.natsVersion} ×3 (R3, sync_interval: always), ${o.profile.executors} executor processes × ${o.profile.slots} slots, 1 scheduler, 1 poller on a fake GitHub, ${o.profile.repos} repositories + 1 for schedules + 1 on GitHub, Node ${process.versions.node}`,
    "",
    `tasks: ${total} (${o.submitted.client} from the client, ${o.submitted.scheduler} fired by the scheduler, ${o.submitted.poller} made by the poller from ${o.submitted.issues} issues on the fake GitHub, ${o.submitted.refused} that must be refused)`,
    `producer retries (publish failed or timed out, repeated with the same id): ${o.workload.retries}`,
    `duplicates: ${o.workload.duplicatesSameId} re-submissions with the same id, ${o.workload.duplicatesNewMsgId} re-publications with a new Nats-Msg-Id; malformed messages: ${o.workload.malformed}`,
    "",
    `faults injected (${o.faults.length}):`,
    ...o.faults.map((f) => `  ${f.kind.padEnd(18)} ${String(f.ms).padStart(6)} ms  ${f.detail}`),
    "",
    "tasks by class:",
    ...TASK_CLASSES.map((c) => `  ${c.padEnd(15)} ${r.counts[c]}`),
    `agent executions: ${o.executions} (${r.reExecuted} task(s) ran more than once: at-least-once execution; each effect still landed once)`,
    `pushes that landed: ${o.pushes}`,
    `zombie writes refused (lease lost before the push): ${o.zombie.pushesRefused}; agents stopped on a lost lease: ${o.zombie.agentsStopped}`,
    `lease violations: ${r.leaseViolations.length}`,
    `dead letters by reason: ${
      Object.entries(o.dlqReasons)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none"
    }; without a reason: ${r.dlqWithoutReason.length}; malformed messages missing from the DLQ: ${r.malformedMissing.length}`,
    `service exits nobody asked for: ${o.unexpectedExits.length === 0 ? "none" : o.unexpectedExits.join(", ")}`,
    `durations: window ${o.durations.windowSec.toFixed(0)} s, settle ${o.durations.settleSec.toFixed(0)} s, whole run ${o.durations.totalSec.toFixed(0)} s`,
    "",
  ];
  if (o.error !== undefined) lines.push(`ERROR: the run did not complete: ${o.error}`);
  if (o.diagnosis !== undefined) lines.push(o.diagnosis, "");
  if (r.failures.length === 0 && o.error === undefined) {
    lines.push(`PASS: ${total} tasks, 0 lost, 0 duplicated, 0 pending, no lease violation`);
  } else {
    lines.push("FAIL:", ...r.failures.map((f) => `  ${f}`));
  }
  return lines.join("\n");
}
