export interface ScheduleSpec {
  cron?: string;
  timezone?: string;
  enabled?: boolean;
}

/** Schedules of a parsed config by name, whatever else the `schedules` section holds. */
export function schedulesOf(config: object): Record<string, ScheduleSpec> {
  const s = (config as Record<string, unknown>)["schedules"];
  return s !== null && typeof s === "object" && !Array.isArray(s)
    ? (s as Record<string, ScheduleSpec>)
    : {};
}

export interface CronJobView {
  name: string;
  /** The arguments after `nightshift`. */
  args: string[];
  schedule: string | undefined;
  timeZone: string | undefined;
  concurrencyPolicy: string | undefined;
  startingDeadlineSeconds: number | undefined;
  suspend: boolean | undefined;
}

/** The names listed after "Scheduler-driven schedules (no CronJob):" in a runbook. */
export function documentedSchedulerDriven(readme: string): string[] {
  const m = /Scheduler-driven schedules \(no CronJob\):\s*([^\n]*)/.exec(readme);
  if (!m) return [];
  const list = (m[1] ?? "").replace(/\.$/, "").trim();
  return list === "none"
    ? []
    : list
        .split(",")
        .map((s) => s.trim().replace(/`/g, ""))
        .filter(Boolean);
}

/**
 * CronJobs and the scheduler agree: every schedule of every config has a CronJob running
 * `nightshift trigger <name>` at its times, or is documented as scheduler-driven; every CronJob
 * triggers a schedule of the config it runs with, one run at a time, with a starting deadline
 * (the controller looks every 10 s; a missed start is the schedule's own `missed` policy's job).
 */
export function scheduleCoverage(opts: {
  /** Configs whose schedules must be covered (the example config, the cluster's config). */
  configs: Record<string, object>;
  /** The config the CronJobs run with. */
  runsWith: object;
  cronJobs: readonly CronJobView[];
  schedulerDriven: readonly string[];
}): string[] {
  const problems: string[] = [];
  const triggered = new Map(
    opts.cronJobs.filter((c) => c.args[0] === "trigger").map((c) => [c.args[1] ?? "", c]),
  );
  const all = new Set<string>();
  for (const [where, config] of Object.entries(opts.configs)) {
    for (const name of Object.keys(schedulesOf(config))) {
      all.add(name);
      if (!triggered.has(name) && !opts.schedulerDriven.includes(name)) {
        problems.push(
          `schedule ${name} (${where}) has no CronJob and is not documented as scheduler-driven`,
        );
      }
    }
  }
  for (const name of opts.schedulerDriven) {
    if (!all.has(name))
      problems.push(`${name} is documented as scheduler-driven but no config has it`);
  }
  const runs = schedulesOf(opts.runsWith);
  for (const cj of opts.cronJobs) {
    const name = cj.args[1];
    if (cj.args[0] !== "trigger" || name === undefined) {
      problems.push(`CronJob ${cj.name} does not run nightshift trigger <schedule>`);
      continue;
    }
    const s = runs[name];
    if (s === undefined) {
      problems.push(`CronJob ${cj.name} triggers ${name}, which its config does not have`);
      continue;
    }
    if (s.cron !== cj.schedule)
      problems.push(
        `CronJob ${cj.name} runs at "${cj.schedule ?? ""}", schedule ${name} at "${s.cron ?? ""}"`,
      );
    if ((s.timezone ?? "UTC") !== (cj.timeZone ?? "UTC")) {
      problems.push(
        `CronJob ${cj.name} runs in ${cj.timeZone ?? "UTC"}, schedule ${name} in ${s.timezone ?? "UTC"}`,
      );
    }
    if ((cj.suspend ?? false) !== (s.enabled === false)) {
      problems.push(
        `CronJob ${cj.name} is ${cj.suspend === true ? "" : "not "}suspended, schedule ${name} is ${s.enabled === false ? "disabled" : "enabled"}`,
      );
    }
    if (cj.concurrencyPolicy !== "Forbid")
      problems.push(`CronJob ${cj.name} needs concurrencyPolicy: Forbid`);
    if (cj.startingDeadlineSeconds === undefined || cj.startingDeadlineSeconds < 10) {
      problems.push(`CronJob ${cj.name} needs startingDeadlineSeconds of 10 or more`);
    }
  }
  return problems;
}
