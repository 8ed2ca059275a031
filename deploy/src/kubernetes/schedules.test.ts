import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@nightshift/config";
import { nightshiftArgs } from "../checks/commands.ts";
import {
  documentedSchedulerDriven,
  scheduleCoverage,
  type CronJobView,
} from "../checks/schedules.ts";
import { containersOf, type K8sObject } from "../kustomize/objects.ts";
import { REPO_ROOT } from "../paths.ts";
import { buildOverlay, clusterConfig, overlays } from "./manifests.ts";

const readme = readFileSync(join(REPO_ROOT, "deploy", "README.md"), "utf8");
const example = loadConfig({ path: join(REPO_ROOT, "nightshift.yml"), env: {} }).config;

function view(o: K8sObject): CronJobView {
  const spec = o["spec"] as Record<string, unknown>;
  const c = containersOf(o)[0];
  return {
    name: o.metadata.name,
    // The image's entrypoint is `tini -- nightshift`; args are what follows.
    args: nightshiftArgs([...(c?.command ?? ["nightshift"]), ...(c?.args ?? [])]) ?? [],
    schedule: spec["schedule"] as string | undefined,
    timeZone: spec["timeZone"] as string | undefined,
    concurrencyPolicy: spec["concurrencyPolicy"] as string | undefined,
    startingDeadlineSeconds: spec["startingDeadlineSeconds"] as number | undefined,
    suspend: spec["suspend"] as boolean | undefined,
  };
}

describe.each(overlays())("CronJobs and schedules in k8s/overlays/%s", (overlay) => {
  const objects = buildOverlay(overlay);
  const cluster = clusterConfig(objects);

  it("agree: every schedule has a CronJob or is documented as scheduler-driven, and every CronJob triggers one", () => {
    expect(
      scheduleCoverage({
        configs: { "nightshift.yml": example, "k8s/base/nightshift.yml": cluster },
        runsWith: cluster,
        cronJobs: objects.filter((o) => o.kind === "CronJob").map(view),
        schedulerDriven: documentedSchedulerDriven(readme),
      }),
    ).toEqual([]);
  });
});

describe("scheduleCoverage", () => {
  const nightly = { schedules: { nightly: { cron: "0 2 * * *", timezone: "Europe/Berlin" } } };
  const job: CronJobView = {
    name: "nightly",
    args: ["trigger", "nightly"],
    schedule: "0 2 * * *",
    timeZone: "Europe/Berlin",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 300,
    suspend: undefined,
  };

  it("accepts a schedule with a matching CronJob, or documented as scheduler-driven", () => {
    expect(
      scheduleCoverage({
        configs: { c: nightly },
        runsWith: nightly,
        cronJobs: [job],
        schedulerDriven: [],
      }),
    ).toEqual([]);
    expect(
      scheduleCoverage({
        configs: { c: nightly },
        runsWith: nightly,
        cronJobs: [],
        schedulerDriven: ["nightly"],
      }),
    ).toEqual([]);
  });

  it("reports a schedule nobody fires, a CronJob out of step with its schedule, and stale documentation", () => {
    expect(
      scheduleCoverage({
        configs: { c: nightly },
        runsWith: nightly,
        cronJobs: [],
        schedulerDriven: [],
      }),
    ).toEqual(["schedule nightly (c) has no CronJob and is not documented as scheduler-driven"]);
    const drifted = {
      ...job,
      schedule: "0 3 * * *",
      timeZone: undefined,
      concurrencyPolicy: "Allow",
      startingDeadlineSeconds: undefined,
      suspend: true,
    };
    expect(
      scheduleCoverage({
        configs: { c: nightly },
        runsWith: nightly,
        cronJobs: [drifted],
        schedulerDriven: [],
      }),
    ).toHaveLength(5);
    expect(
      scheduleCoverage({ configs: {}, runsWith: {}, cronJobs: [job], schedulerDriven: ["gone"] }),
    ).toEqual([
      "gone is documented as scheduler-driven but no config has it",
      "CronJob nightly triggers nightly, which its config does not have",
    ]);
  });

  it("reads the runbook's list of scheduler-driven schedules", () => {
    expect(documentedSchedulerDriven("Scheduler-driven schedules (no CronJob): `a`, `b`.")).toEqual(
      ["a", "b"],
    );
    expect(documentedSchedulerDriven("Scheduler-driven schedules (no CronJob): none.")).toEqual([]);
    expect(readme).toMatch(/Scheduler-driven schedules \(no CronJob\):/);
  });
});
