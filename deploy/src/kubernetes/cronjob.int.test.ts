import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { Streams } from "@nightshift/contracts";
import { connectNats } from "@nightshift/messaging";
import { buildCli, composeFixture, type ComposeFixture } from "../compose/fixture.int.ts";
import { startProcess } from "../compose/process.ts";
import { imageConfig } from "../dockerfile/model.ts";
import { containersOf, type Container } from "../kustomize/objects.ts";
import { ADMIN_USER, passwordVariable } from "../nats-auth/policy.ts";
import { REPO_ROOT } from "../paths.ts";
import { buildOverlay, clusterConfigText } from "./manifests.ts";

let f: ComposeFixture;
let natsUrl: string;
const roots: string[] = [];

beforeAll(async () => {
  buildCli();
  f = await composeFixture();
  natsUrl = (await f.startNats()).url;
  const provision = f.start("provision");
  expect(await provision.exited, provision.output()).toBe(0);
}, 180_000);
afterAll(async () => {
  await f.dispose();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const objects = buildOverlay("production");
const cronJobs = objects.filter((o) => o.kind === "CronJob");

/**
 * Runs a CronJob's container as the pod would, outside a container: the image's entrypoint
 * and environment, the container's args and env (Secret references resolved to the passwords
 * NATS was started with), the ConfigMap's nightshift.yml at the image's config path.
 */
function runContainer(c: Container, configText: string) {
  const root = mkdtempSync(join(tmpdir(), "ns-cronjob-"));
  roots.push(root);
  const img = imageConfig(f.dockerfile, "nightshift");
  const inRoot = (p: string) => join(root, p);
  const config = inRoot(img.env["NIGHTSHIFT_CONFIG"] as string);
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(config, configText);
  mkdirSync(inRoot(img.workdir), { recursive: true });
  const bin = inRoot("/usr/local/bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "nightshift"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(REPO_ROOT, "cli", "dist", "main.js"))} "$@"\n`,
  );
  chmodSync(join(bin, "nightshift"), 0o755);
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env["PATH"] ?? ""}`,
    TINI_SUBREAPER: "1",
    ...img.env,
    NIGHTSHIFT_CONFIG: config,
    HOME: inRoot(img.env["HOME"] as string),
  };
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.name === "NATS_URL" ? natsUrl : e.value;
    const ref = e.valueFrom?.["secretKeyRef"];
    const value = ref !== undefined ? f.env[String(ref["key"])] : undefined;
    if (value !== undefined) env[e.name] = value;
  }
  const argv = [...img.entrypoint, ...(c.args ?? img.cmd)];
  return startProcess({
    service: c.name,
    argv,
    env,
    cwd: inRoot(img.workdir),
    healthcheck: undefined,
  });
}

describe("the CronJobs, run as their pods would", () => {
  it("ships at least one CronJob that runs nightshift trigger as the scheduler", () => {
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const cj of cronJobs) {
      const c = containersOf(cj)[0]!;
      expect(c.args?.[0]).toBe("trigger");
      expect(c.env?.find((e) => e.name === "NATS_USER")?.value).toBe("scheduler");
      expect(
        c.env?.find((e) => e.name === "NATS_PASSWORD")?.valueFrom?.["secretKeyRef"]?.["key"],
      ).toBe(passwordVariable("scheduler"));
    }
  });

  it.each(cronJobs.map((o) => [o.metadata.name, o] as const))(
    "%s: a disabled schedule is skipped with exit 3; enabled, a slot becomes one task however often it fires",
    async (_name, cj) => {
      const c = containersOf(cj)[0]!;
      const schedule = c.args?.[1] as string;
      // One test server cannot hold replicated streams: everything else is as shipped.
      const shipped = clusterConfigText(objects).replace(/^(\s*replicas:) \d+/m, "$1 1");
      const job = containersOf(
        objects.find((o) => o.kind === "Job" && o.metadata.name === "provision")!,
      )[0]!;
      const provision = runContainer(job, shipped);
      expect(await provision.exited, provision.output()).toBe(0);
      const skipped = runContainer(c, shipped);
      expect(await skipped.exited, skipped.output()).toBe(
        shipped.includes("enabled: false") ? 3 : 0,
      );

      const enabled = shipped.replace(/enabled: false/g, "enabled: true");
      const first = runContainer(c, enabled);
      expect(await first.exited, first.output()).toBe(0);
      const again = runContainer(c, enabled);
      expect(await again.exited, again.output()).toBe(0);
      expect(again.output()).toContain("(already published)");

      const admin = await connectNats({
        servers: natsUrl,
        name: "cronjob-check",
        user: ADMIN_USER,
        pass: f.env[passwordVariable(ADMIN_USER)],
      });
      try {
        const info = await (await jetstreamManager(admin)).streams.info(Streams.tasks);
        expect(info.state.messages, `tasks published for ${schedule}`).toBe(1);
      } finally {
        await admin.close();
      }
    },
    60_000,
  );
});
