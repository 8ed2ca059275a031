import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "@nightshift/cli";
import { parseConfig } from "@nightshift/config";
import { SERVICE_NAMES } from "@nightshift/host";
import { checkInvocation, natsUserFor, nightshiftArgs, scheduleNames } from "../checks/commands.ts";
import { knownEnv, PLATFORM_ENV } from "../checks/known-env.ts";
import { statePaths } from "../checks/state-paths.ts";
import { readComposeFile, resolveCompose } from "../compose/load.ts";
import { ComposeFile } from "../compose/model.ts";
import { buildTarget } from "../compose/outside.ts";
import { imageConfig, parseDockerfile, type ImageConfig } from "../dockerfile/model.ts";
import { containersOf, podSpecOf, type Container, type K8sObject } from "../kustomize/objects.ts";
import { ADMIN_USER, passwordVariable } from "../nats-auth/policy.ts";
import { REPO_ROOT } from "../paths.ts";
import {
  buildOverlay,
  clusterConfig,
  clusterConfigText,
  isNightshiftContainer,
  literalEnv,
  overlays,
  workloads,
} from "./manifests.ts";

const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, "deploy", "Dockerfile"), "utf8"));
const compose = ComposeFile.parse(
  resolveCompose(
    readComposeFile(join(REPO_ROOT, "docker-compose.yml")),
    new Proxy<Record<string, string>>({}, { get: () => "x" }),
  ),
);
/** Image name → the Dockerfile target it is built from, as docker-compose.yml builds them. */
const targetOfImage = new Map(
  Object.entries(compose.services).flatMap(([name, s]) => {
    const t = buildTarget(compose, name, dockerfile);
    return t === undefined || s.image === undefined ? [] : [[s.image.split(":")[0] as string, t]];
  }),
);

function imageOf(c: Container): ImageConfig {
  const name = (c.image ?? "")
    .replace(/[:@].*$/, "")
    .split("/")
    .pop() as string;
  const target = targetOfImage.get(name);
  if (target === undefined) throw new Error(`${c.name}: image ${c.image ?? ""} is not built here`);
  return imageConfig(dockerfile, target);
}

function argsOf(c: Container): string[] {
  const img = imageOf(c);
  return nightshiftArgs([...(c.command ?? img.entrypoint), ...(c.args ?? img.cmd)]) ?? [];
}

const pod = (o: K8sObject) => podSpecOf(o) as NonNullable<ReturnType<typeof podSpecOf>>;
type Sec = Record<string, unknown> | undefined;

describe.each(overlays())("k8s/overlays/%s", (overlay) => {
  const objects = buildOverlay(overlay);
  const config = clusterConfig(objects);
  const known = knownEnv(REPO_ROOT, [config]);
  const ours = workloads(objects).flatMap((o) =>
    containersOf(o)
      .filter(isNightshiftContainer)
      .map((c) => ({ o, c, args: argsOf(c) })),
  );
  const deployments = new Map(
    ours
      .filter((x) => x.o.kind === "Deployment" && x.args[0] === "service")
      .map((x) => [x.args[1] as string, x]),
  );

  it("runs every service in a Deployment of its own with `nightshift service <name>`", () => {
    expect([...deployments.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [service, { o }] of deployments) expect(o.metadata.name).toBe(service);
  });

  it("runs only commands the CLI accepts, with a config the schema accepts", () => {
    const ctx = { commands: COMMANDS, services: SERVICE_NAMES, schedules: scheduleNames(config) };
    for (const { o, c, args } of ours) {
      const where = `${o.kind}/${o.metadata.name}`;
      expect(checkInvocation({ where, args }, ctx)).toEqual([]);
      for (const e of c.env ?? [])
        expect(known.has(e.name) || e.name in PLATFORM_ENV, `${where}: ${e.name}`).toBe(true);
      expect(() => parseConfig(parse(clusterConfigText(objects)), literalEnv(c))).not.toThrow();
    }
  });

  it("meets the restricted Pod Security Standard in every pod", () => {
    const ns = objects.find((o) => o.kind === "Namespace");
    expect(ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const o of workloads(objects)) {
      const where = `${o.kind}/${o.metadata.name}`;
      const p = pod(o);
      const psc = p["securityContext"] as Sec;
      expect(psc?.["runAsNonRoot"], where).toBe(true);
      expect(psc?.["runAsUser"], where).not.toBe(0);
      expect((psc?.["seccompProfile"] as Sec)?.["type"], where).toBe("RuntimeDefault");
      for (const flag of ["hostNetwork", "hostPID", "hostIPC"])
        expect(p[flag], where).toBeUndefined();
      expect(
        (p.volumes ?? []).filter((v) => "hostPath" in v),
        where,
      ).toEqual([]);
      for (const c of containersOf(o)) {
        const sc = c["securityContext"] as Sec;
        expect(sc?.["allowPrivilegeEscalation"], `${where} ${c.name}`).toBe(false);
        expect(sc?.["readOnlyRootFilesystem"], `${where} ${c.name}`).toBe(true);
        expect((sc?.["capabilities"] as Sec)?.["drop"], `${where} ${c.name}`).toEqual(["ALL"]);
        expect(sc?.["privileged"], `${where} ${c.name}`).toBeUndefined();
        const res = c["resources"] as {
          requests?: Record<string, string>;
          limits?: Record<string, string>;
        };
        expect(Object.keys(res?.requests ?? {}), `${where} requests`).toEqual(
          expect.arrayContaining(["cpu", "memory"]),
        );
        expect(res?.limits?.["memory"], `${where} memory limit`).toBeDefined();
      }
    }
  });

  it("gives every pod its own ServiceAccount, without a token", () => {
    for (const o of workloads(objects)) {
      const p = pod(o);
      expect(p["automountServiceAccountToken"], o.metadata.name).toBe(false);
      const sa = objects.find(
        (x) => x.kind === "ServiceAccount" && x.metadata.name === p["serviceAccountName"],
      );
      expect(sa?.["automountServiceAccountToken"], `${o.metadata.name}'s ServiceAccount`).toBe(
        false,
      );
    }
    const names = workloads(objects).map((o) => pod(o)["serviceAccountName"]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("probes /readyz and /livez on the port nightshift.yml serves them on", () => {
    for (const [service, { c }] of deployments) {
      const port = (c["ports"] as { name: string; containerPort: number }[]).find(
        (p) => p.name === "http",
      );
      expect(port?.containerPort, service).toBe(config.http.port);
      for (const [probe, path] of [
        ["readinessProbe", "/readyz"],
        ["livenessProbe", "/livez"],
      ] as const) {
        expect(c[probe], `${service} ${probe}`).toMatchObject({ httpGet: { path, port: "http" } });
      }
    }
  });

  it("mounts writable volumes wherever nightshift writes (the root file system is read-only)", () => {
    for (const { o, c } of ours) {
      const img = imageOf(c);
      const mounts = (c["volumeMounts"] as { mountPath: string; readOnly?: boolean }[]).filter(
        (m) => m.readOnly !== true,
      );
      const writable = (p: string) =>
        mounts.some((m) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
      const paths = [img.env["HOME"] ?? "", img.workdir, "/tmp"];
      paths.push(...statePaths(config, img.workdir));
      for (const p of paths) expect(writable(p), `${o.metadata.name}: ${p}`).toBe(true);
      const cfg = (c["volumeMounts"] as { mountPath: string }[]).find(
        (m) => posix.join(m.mountPath, "nightshift.yml") === img.env["NIGHTSHIFT_CONFIG"],
      );
      expect(cfg, `${o.metadata.name} mounts ${img.env["NIGHTSHIFT_CONFIG"]}`).toBeDefined();
    }
  });

  it("gives executors time to drain before Kubernetes kills them", () => {
    const ex = deployments.get("executor")!.o;
    const { drainTimeout, killGrace } = config.executor;
    expect(Number(pod(ex)["terminationGracePeriodSeconds"]) * 1000).toBeGreaterThanOrEqual(
      drainTimeout + killGrace + 15_000,
    );
    expect(
      (ex["spec"] as Record<string, unknown>)["replicas"],
      "KEDA owns the executor's replicas",
    ).toBeUndefined();
  });

  it("gives each service its own NATS user, with its password from the nats-users Secret", () => {
    for (const { o, c, args } of ours) {
      const user = natsUserFor(args, ADMIN_USER);
      expect(literalEnv(c)["NATS_USER"], o.metadata.name).toBe(user);
      const pw = c.env?.find((e) => e.name === "NATS_PASSWORD")?.valueFrom?.["secretKeyRef"];
      expect(pw?.["key"], o.metadata.name).toBe(passwordVariable(user));
      expect(String(pw?.["name"])).toMatch(/^nats-users(-[a-z0-9]{10})?$/);
    }
  });

  it("passes each service the same variables as docker-compose.yml does", () => {
    for (const [service, { c }] of deployments) {
      const composeService = Object.values(compose.services).find(
        (s) => JSON.stringify(s.command) === JSON.stringify(["service", service]),
      );
      expect(Object.keys(composeService?.environment ?? {}).sort(), service).toEqual(
        (c.env ?? []).map((e) => e.name).sort(),
      );
    }
  });

  it("references only Secrets and ConfigMaps that exist, or that the runbook says to create", () => {
    const readme = readFileSync(join(REPO_ROOT, "deploy", "README.md"), "utf8");
    const refs = new Set<string>();
    for (const o of workloads(objects)) {
      for (const c of containersOf(o)) {
        for (const e of c.env ?? [])
          for (const r of Object.values(e.valueFrom ?? {}))
            if (typeof r["name"] === "string")
              refs.add(`${e.valueFrom?.["secretKeyRef"] ? "Secret" : "ConfigMap"}/${r["name"]}`);
        for (const e of c.envFrom ?? []) {
          if (typeof e["secretRef"] === "object") refs.add(`Secret/${e["secretRef"].name}`);
          if (typeof e["configMapRef"] === "object")
            refs.add(`ConfigMap/${e["configMapRef"].name}`);
        }
      }
      for (const v of pod(o).volumes ?? []) {
        const cm = (v["configMap"] as Sec)?.["name"];
        if (typeof cm === "string") refs.add(`ConfigMap/${cm}`);
        const s = (v["secret"] as Sec)?.["secretName"];
        if (typeof s === "string") refs.add(`Secret/${s}`);
      }
    }
    const present = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const ref of refs) {
      if (present.has(ref)) continue;
      expect(ref.startsWith("Secret/"), `${ref} exists`).toBe(true);
      expect(readme, `deploy/README.md tells how to create ${ref}`).toContain(
        `kubectl -n nightshift create secret generic ${ref.slice(7)}`,
      );
    }
    if (overlay === "production") expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });
});
