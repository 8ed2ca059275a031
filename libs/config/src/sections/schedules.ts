import { Cron } from "croner";
import { z } from "zod";
import { TaskCard, TaskLoop, TaskMode } from "@nightshift/contracts";
import { duration } from "../duration.ts";

/** Schedule and channel names end up in KV keys and `Nats-Msg-Id`s. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** What a fire publishes: the fields of a task, minus what the scheduler fills in. */
export const ScheduleTaskTemplate = z
  .strictObject({
    prompt: z.string().min(1).optional(),
    card: TaskCard.optional(),
    /** Run each fire as a review loop (worker and reviewer rounds until approval). */
    loop: TaskLoop.optional(),
    /** A local path or a git URL. */
    repo: z.string().min(1).optional(),
    base: z.string().min(1).optional(),
    backend: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    mode: TaskMode.optional(),
    limits: z
      .strictObject({
        timeout: duration().optional(),
        maxTurns: z.number().int().positive().optional(),
        maxCostUsd: z.number().positive().optional(),
      })
      .default({}),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .refine((t) => t.prompt !== undefined || t.card !== undefined, {
    message: "needs a prompt or a card (whose goal becomes the prompt)",
  });
export type ScheduleTaskTemplate = z.infer<typeof ScheduleTaskTemplate>;

/** Runs `sh -c command`; exit code 0 lets the fire through, anything else skips it. */
export const CommandGate = z.strictObject({
  type: z.literal("command"),
  command: z.string().min(1),
  timeout: duration().default(30_000),
  cwd: z.string().min(1).optional(),
});
export type CommandGate = z.infer<typeof CommandGate>;

/** Lets the fire through only while `repo` has open issues (not pull requests) labelled `label`. */
export const GithubIssuesGate = z.strictObject({
  type: z.literal("github-issues"),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name"),
  label: z.string().min(1),
});
export type GithubIssuesGate = z.infer<typeof GithubIssuesGate>;

export const ScheduleGate = z.discriminatedUnion("type", [CommandGate, GithubIssuesGate]);
export type ScheduleGate = z.infer<typeof ScheduleGate>;

export const ScheduleConfig = z
  .strictObject({
    /** croner syntax: 5 fields, or 6 with seconds first. */
    cron: z.string().min(1),
    /** IANA time zone the expression is read in. */
    timezone: z.string().min(1).default("UTC"),
    enabled: z.boolean().default(true),
    /** Each fire is delayed by a stable pseudo-random amount up to this (spreads load). */
    jitter: duration().default(0),
    /** Fires that came due while no scheduler was leading: `skip` them, or `run-once` for all of them. */
    missed: z.enum(["skip", "run-once"]).default("skip"),
    /** How late a fire may still start after a restart or leader change and count as on time. */
    grace: duration().default(5 * 60_000),
    gate: ScheduleGate.optional(),
    task: ScheduleTaskTemplate,
  })
  .superRefine((s, ctx) => {
    let cron: Cron;
    try {
      cron = new Cron(s.cron, { timezone: s.timezone });
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["cron"], message: (err as Error).message });
      return;
    }
    try {
      if (cron.nextRun() === null)
        ctx.addIssue({ code: "custom", path: ["cron"], message: "never fires" });
    } catch {
      ctx.addIssue({
        code: "custom",
        path: ["timezone"],
        message: `unknown time zone "${s.timezone}" (use an IANA name such as Europe/Berlin)`,
      });
    }
  });
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

export const SchedulesConfig = z.record(
  z.string().regex(NAME_PATTERN, "must be lowercase letters, digits and -").max(48),
  ScheduleConfig,
);
export type SchedulesConfig = z.infer<typeof SchedulesConfig>;
