import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Consumers, Streams } from "@nightshift/contracts";
import { readComposeFile, resolveCompose } from "../compose/load.ts";
import { ComposeFile } from "../compose/model.ts";
import { containersOf, podSpecOf, type K8sObject } from "../kustomize/objects.ts";
import { renderAuthorization } from "../nats-auth/render.ts";
import { SERVICE_POLICIES } from "../nats-auth/policy.ts";
import { REPO_ROOT } from "../paths.ts";
import { buildOverlay, clusterConfig, configFile, find, overlays } from "./manifests.ts";
import { selects } from "./selectors.ts";

type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((x, k) => (x === null || x === undefined ? undefined : (x as Obj)[k]), o);

/** `key: value` settings of a nats-server config file (top level and one block deep). */
function setting(conf: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}:\\s*(.+?)\\s*$`, "m").exec(conf)?.[1];
}
function durationS(text: string | undefined): number {
  const m = /^(\d+)(s|m)$/.exec(text ?? "");
  if (!m) throw new Error(`not a duration: ${text ?? "(unset)"}`);
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
}

describe.each(overlays())("NATS and KEDA in k8s/overlays/%s", (overlay) => {
  const objects = buildOverlay(overlay);
  const config = clusterConfig(objects);
  const sts = find(objects, "StatefulSet", "nats");
  const pod = podSpecOf(sts)!;
  const nats = containersOf(sts)[0]!;
  const conf = configFile(objects, "nats-config", "nats.conf");
  const portOf = (name: string) =>
    (nats["ports"] as { name: string; containerPort: number }[]).find((p) => p.name === name)
      ?.containerPort;
  const namespace = sts.metadata.namespace;

  it("runs a JetStream cluster of as many servers as streams have replicas, each with a volume", () => {
    const replicas = get(sts, "spec", "replicas");
    expect(replicas).toBe(config.nats.replicas);
    expect(replicas).toBeGreaterThanOrEqual(3);
    const headless = String(get(sts, "spec", "serviceName"));
    expect(get(find(objects, "Service", headless), "spec", "clusterIP")).toBe("None");
    const routes = [...conf.matchAll(/nats:\/\/([\w.-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(routes).toEqual(
      Array.from(
        { length: Number(replicas) },
        (_, i) => `${sts.metadata.name}-${i}.${headless}:${portOf("cluster")}`,
      ),
    );
    const store = setting(conf, "store_dir");
    const data = (nats["volumeMounts"] as { name: string; mountPath: string }[]).find(
      (m) => m.mountPath === store,
    );
    expect(get(sts, "spec", "volumeClaimTemplates", 0, "metadata", "name")).toBe(data?.name);
    expect(setting(conf, "sync_interval")).toBe("always");
    expect(setting(conf, "http_port")).toBe(String(portOf("monitor")));
    expect(setting(conf, "server_name")).toBe("$POD_NAME");
    expect(nats.env?.find((e) => e.name === "POD_NAME")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.name" },
    });
  });

  it("shuts down in lame-duck mode within the grace period, one server at a time", () => {
    const pid = setting(conf, "pid_file");
    expect(get(nats, "lifecycle", "preStop", "exec", "command")).toEqual([
      "nats-server",
      `-sl=ldm=${pid}`,
    ]);
    const lameDuck =
      durationS(setting(conf, "lame_duck_duration")) +
      durationS(setting(conf, "lame_duck_grace_period"));
    expect(Number(pod["terminationGracePeriodSeconds"])).toBeGreaterThan(lameDuck);
    const pdb = find(objects, "PodDisruptionBudget", "nats");
    expect(get(pdb, "spec", "maxUnavailable")).toBe(1);
    const labels = get(sts, "spec", "template", "metadata", "labels") as Record<string, string>;
    expect(selects(get(pdb, "spec", "selector") as never, labels)).toBe(true);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      expect(String(get(nats, probe, "httpGet", "path"))).toMatch(/^\/healthz/);
    }
  });

  it("uses the generated users, the same NATS image as docker-compose.yml, version 2.12 or newer", () => {
    expect(conf).toMatch(/^include \.\/auth\.conf$/m);
    expect(configFile(objects, "nats-config", "auth.conf")).toBe(
      renderAuthorization(SERVICE_POLICIES),
    );
    const compose = ComposeFile.parse(
      resolveCompose(
        readComposeFile(join(REPO_ROOT, "docker-compose.yml")),
        new Proxy<Record<string, string>>({}, { get: () => "x" }),
      ),
    );
    expect(nats.image).toBe(compose.services["nats"]?.image);
    const [major, minor] = (/:(\d+)\.(\d+)/.exec(nats.image ?? "") ?? []).slice(1).map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(212);
  });

  it("scales executors with KEDA on the executor consumer of TASKS, one pod per executor.slots", () => {
    const so = find(objects, "ScaledObject", "executor");
    const target = String(get(so, "spec", "scaleTargetRef", "name"));
    expect(find(objects, "Deployment", target).metadata.name).toBe("executor");
    const triggers = get(so, "spec", "triggers") as {
      type: string;
      metadata: Record<string, string>;
    }[];
    expect(triggers).toHaveLength(1);
    const t = triggers[0]!;
    expect(t.type).toBe("nats-jetstream");
    expect(t.metadata["stream"]).toBe(Streams.tasks);
    expect(t.metadata["consumer"]).toBe(Consumers.executor);
    expect(t.metadata["lagThreshold"]).toBe(String(config.executor.slots));
    // Users live in the global account (auth.conf has no accounts block).
    expect(t.metadata["account"]).toBe("$G");
    expect(configFile(objects, "nats-config", "auth.conf")).not.toMatch(/^\s*accounts\s*[{:]/m);
    const headless = String(get(sts, "spec", "serviceName"));
    expect(t.metadata["natsServerMonitoringEndpoint"]).toBe(
      `${headless}.${namespace ?? ""}.svc.cluster.local:${portOf("monitor")}`,
    );
    const min = Number(get(so, "spec", "minReplicaCount"));
    expect(Number(get(so, "spec", "maxReplicaCount"))).toBeGreaterThan(min);
  });

  it("provisions JetStream once per apply as the admin user", () => {
    const job = find(objects, "Job", "provision");
    expect(containersOf(job)[0]?.args).toEqual(["provision"]);
    expect(get(job, "spec", "ttlSecondsAfterFinished")).toBeGreaterThan(0);
    const jobs: K8sObject[] = objects.filter((o) => o.kind === "Job");
    expect(jobs.map((o) => o.metadata.name)).toEqual(["provision"]);
  });
});
