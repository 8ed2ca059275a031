import { Keys } from "@nightshift/contracts";
import type { ServiceDefinition } from "@nightshift/host";
import type { FireDeps } from "./fire-slot.ts";
import { runLeadership } from "./leadership.ts";
import { schedulerMetrics } from "./metrics.ts";
import { runSchedule } from "./run-schedule.ts";
import { ScheduleStateStore } from "./schedule-state.ts";
import { schedulerStatus } from "./status.ts";

export interface SchedulerOptions {
  /** Environment for gate commands, and GITHUB_API_URL for the GitHub gate. */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory of gate commands that set none. */
  cwd: string;
}

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** The fire dependencies shared by the scheduler service and `nightshift trigger`. */
export function fireDeps(
  bus: FireDeps["bus"],
  opts: SchedulerOptions,
  githubToken: string | undefined,
): FireDeps {
  return {
    bus,
    env: opts.env,
    cwd: opts.cwd,
    githubApiUrl: opts.env["GITHUB_API_URL"] ?? DEFAULT_GITHUB_API_URL,
    githubToken,
  };
}

/**
 * The scheduler: every replica competes for the leader lease; the leader fires each schedule
 * at its slots. Fires are idempotent (`sched:<name>:<slot>`), so replicas, restarts and
 * `nightshift trigger` never produce a slot's task twice.
 */
export function schedulerService(opts: SchedulerOptions): ServiceDefinition {
  return {
    name: "scheduler",
    start(deps) {
      const { bus, config, log } = deps;
      const schedules = Object.entries(config.schedules);
      const metrics = schedulerMetrics(deps.registry);
      const store = new ScheduleStateStore(bus.kv.cursors, deps.instance);
      const fire = fireDeps(bus, opts, deps.secrets.GITHUB_TOKEN);
      const idle = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      });
      const leadership =
        schedules.length === 0
          ? undefined
          : runLeadership(
              {
                kv: bus.kv.leases,
                key: Keys.schedulerLeader,
                instance: deps.instance,
                ttlMs: config.nats.leaseTtl,
                renewMs: config.nats.heartbeat,
                pollMs: Math.min(config.nats.heartbeat, 1_000),
                stop: deps.stop,
                onError: (err, phase) => log.warn({ err, phase }, "leader lease trouble"),
              },
              async (term) => {
                metrics.leader.set(1);
                log.info(
                  { fence: term.fence, schedules: schedules.length },
                  "leading: firing schedules",
                );
                try {
                  await Promise.all(
                    schedules.map(([name, s]) =>
                      runSchedule({ fire, store, metrics, log }, name, s, term),
                    ),
                  );
                } finally {
                  metrics.leader.set(0);
                  log.info("no longer leading");
                }
              },
            );
      log.info({ schedules: schedules.map(([n]) => n) }, "scheduler started");
      return Promise.resolve({
        component: {
          name: "scheduler",
          ready: () => true,
          status: () =>
            schedulerStatus({
              bus,
              schedules: config.schedules,
              store,
              instance: deps.instance,
              term: () => leadership?.current(),
            }),
        },
        done: leadership?.done ?? idle,
      });
    },
  };
}
