import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "@nightshift/cli";
import { loadConfig } from "@nightshift/config";
import { SERVICE_NAMES } from "@nightshift/host";
import { checkInvocation, nightshiftArgs, scheduleNames } from "../checks/commands.ts";
import { knownEnv, PLATFORM_ENV } from "../checks/known-env.ts";
import { statePaths } from "../checks/state-paths.ts";
import { imageConfig, parseDockerfile } from "../dockerfile/model.ts";
import { ADMIN_USER, passwordVariable, SERVICE_POLICIES } from "../nats-auth/policy.ts";
import { REPO_ROOT } from "../paths.ts";
import { InterpolationError, variablesOf } from "./interpolate.ts";
import { readComposeFile, resolveCompose } from "./load.ts";
import { argv, ComposeFile, durationMs, mounts } from "./model.ts";
import { buildTarget } from "./outside.ts";
import { composeValidator } from "./schema.ts";

const raw = readComposeFile(join(REPO_ROOT, "docker-compose.yml"));
const required = [...variablesOf(raw)].filter(([, v]) => v.required).map(([k]) => k);
const env = Object.fromEntries(required.map((k) => [k, `test-${k.toLowerCase()}`]));
const resolved = resolveCompose(raw, env);
const compose = ComposeFile.parse(resolved);
const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, "deploy", "Dockerfile"), "utf8"));
const validate = composeValidator();
const mountedConfig = loadConfig({ path: join(REPO_ROOT, "nightshift.yml"), env: {} }).config;

/** The compose services built from deploy/Dockerfile, with the argv their containers run. */
const ours = Object.entries(compose.services).flatMap(([name, svc]) => {
  const target = buildTarget(compose, name, dockerfile);
  if (target === undefined) return [];
  const img = imageConfig(dockerfile, target);
  const full = [...(argv(svc.entrypoint) ?? img.entrypoint), ...(argv(svc.command) ?? img.cmd)];
  return [{ name, svc, img, args: nightshiftArgs(full) ?? [] }];
});
/** Compose services running `nightshift service <name>`, by the nightshift service name. */
const byService = new Map(
  ours.filter((o) => o.args[0] === "service").map((o) => [o.args[1] as string, o]),
);

function mutated(edit: (doc: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(resolved);
  edit(copy);
  return copy;
}
const svc = (doc: Record<string, unknown>, name: string): Record<string, unknown> =>
  (doc["services"] as Record<string, Record<string, unknown>>)[name] as Record<string, unknown>;

describe("docker-compose.yml against the Compose Specification schema", () => {
  it("validates", () => {
    expect(validate(resolved)).toEqual([]);
  });

  it("fails when a required field is removed, a value has the wrong type, or a key is unknown", () => {
    const noCondition = mutated((d) => {
      const deps = svc(d, "scheduler")["depends_on"] as Record<string, Record<string, unknown>>;
      delete deps["nats"]?.["condition"];
    });
    expect(validate(noCondition)).toContainEqual(
      expect.objectContaining({ path: "/services/scheduler/depends_on" }),
    );
    expect(
      validate(noCondition)
        .map((p) => p.message)
        .join("\n"),
    ).toContain("condition");
    const badReplicas = mutated((d) => {
      (svc(d, "executor")["deploy"] as Record<string, unknown>)["replicas"] = [2];
    });
    expect(validate(badReplicas)).toContainEqual(
      expect.objectContaining({ path: "/services/executor/deploy/replicas" }),
    );
    const unknownKey = mutated((d) => {
      svc(d, "notifier")["healthcheks"] = {};
    });
    expect(
      validate(unknownKey)
        .map((p) => p.message)
        .join("\n"),
    ).toContain("healthcheks");
  });

  it("requires the secrets from .env, each listed in deploy/env.example", () => {
    const example = readFileSync(join(REPO_ROOT, "deploy", "env.example"), "utf8");
    for (const name of required) expect(example).toMatch(new RegExp(`^#? ?${name}=`, "m"));
    expect(() => resolveCompose(raw, {})).toThrow(InterpolationError);
  });
});

describe("docker-compose.yml runs nightshift as the CLI and config define it", () => {
  it("runs every service once, each with a command the CLI accepts", () => {
    expect([...byService.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    const ctx = {
      commands: COMMANDS,
      services: SERVICE_NAMES,
      schedules: scheduleNames(mountedConfig),
    };
    for (const o of ours) {
      expect(o.args.length, `${o.name} runs nightshift`).toBeGreaterThan(0);
      expect(checkInvocation({ where: `docker-compose.yml ${o.name}`, args: o.args }, ctx)).toEqual(
        [],
      );
    }
    const bad = checkInvocation({ where: "x", args: ["service", "nope"] }, ctx);
    expect(bad.join()).toContain("names no service");
    expect(checkInvocation({ where: "x", args: ["srvice"] }, ctx).join()).toContain(
      "is not a command",
    );
    expect(checkInvocation({ where: "x", args: ["status", "--jsn"] }, ctx).join()).toContain(
      "Unknown option",
    );
  });

  it("sets only environment variables nightshift reads", () => {
    const known = knownEnv(REPO_ROOT, [mountedConfig]);
    for (const o of ours) {
      for (const key of [...Object.keys(o.svc.environment), ...Object.keys(o.img.env)]) {
        expect(known.has(key) || key in PLATFORM_ENV, `${o.name}: ${key}`).toBe(true);
      }
    }
    expect(known.has("NOT_A_NIGHTSHIFT_VARIABLE")).toBe(false);
    const channel = { notifier: { channels: { ci: { secretEnv: "CI_HOOK_SECRET" } } } };
    expect(knownEnv(REPO_ROOT, [channel]).has("CI_HOOK_SECRET")).toBe(true);
  });

  it("mounts a valid nightshift.yml where the image looks for it", () => {
    for (const o of ours) {
      const path = o.img.env["NIGHTSHIFT_CONFIG"];
      const m = mounts(o.svc).find((x) => x.target === path);
      expect(m, `${o.name} mounts ${path}`).toMatchObject({
        source: "./nightshift.yml",
        readOnly: true,
      });
    }
  });

  it("gives each service its own NATS user, and the admin user only to provision and the CLI", () => {
    const userOf = (name: string): string | null | undefined =>
      compose.services[name]?.environment["NATS_USER"];
    for (const [service, o] of byService) {
      expect(userOf(o.name)).toBe(service);
      const pw = (raw["services"] as Record<string, { environment: Record<string, string> }>)[
        o.name
      ]?.environment["NATS_PASSWORD"];
      expect(pw).toMatch(new RegExp(`^\\$\\{${passwordVariable(service)}:\\?`));
    }
    for (const o of ours.filter((x) => x.args[0] !== "service")) {
      expect(userOf(o.name)).toBe(ADMIN_USER);
    }
    const nats = compose.services["nats"];
    const passwords = Object.keys(nats?.environment ?? {}).filter((k) =>
      k.startsWith("NATS_PASSWORD_"),
    );
    expect(passwords.sort()).toEqual(
      [ADMIN_USER, ...Object.keys(SERVICE_POLICIES)].map(passwordVariable).sort(),
    );
  });

  it("checks health through /readyz with the image's own node one-liner", () => {
    for (const [service, o] of byService) {
      const test = argv(o.svc.healthcheck?.test);
      expect(test, service).toEqual(["CMD", ...(o.img.healthcheck?.test ?? [])]);
      expect(test?.join(" ")).toContain("/readyz");
      expect(test?.join(" ")).not.toMatch(/curl|wget/);
    }
  });

  it("starts services after NATS is healthy and provisioning succeeded", () => {
    const provision = ours.find((o) => o.args[0] === "provision");
    expect(provision?.svc.depends_on).toEqual({ nats: "service_healthy" });
    for (const [service, o] of byService) {
      expect(o.svc.depends_on, service).toEqual({
        nats: "service_healthy",
        [provision?.name as string]: "service_completed_successfully",
      });
    }
  });

  it("gives every container writable HOME, working directory, /tmp and config state paths", () => {
    for (const o of ours) {
      const ms = mounts(o.svc).filter((m) => !m.readOnly);
      const under = (p: string, targets: string[]) =>
        targets.some((t) => p === t || p.startsWith(`${t}/`));
      const state = statePaths(mountedConfig, o.img.workdir);
      const needed = [o.img.env["HOME"] ?? "", o.img.workdir, "/tmp", ...state];
      for (const p of needed) {
        expect(under(p, [...ms.map((m) => m.target), ...o.svc.tmpfs]), `${o.name}: ${p}`).toBe(
          true,
        );
      }
    }
    const elsewhere = { executor: { workspaces: "./ws" }, workspace: { mirrors: "/srv/mirrors" } };
    expect(statePaths(elsewhere, "/w")).toEqual(["/w/ws", "/srv/mirrors"]);
    expect(
      statePaths(
        { schedules: { a: { gate: { cwd: "/srv" } } }, sandbox: { readOnly: ["/opt"] } },
        "/w",
      ),
    ).toEqual([]);
  });

  it("runs several executors, each with its state on a volume and time to drain", () => {
    const ex = byService.get("executor");
    expect(ex?.svc.deploy?.replicas).toBeGreaterThanOrEqual(2);
    const volumes = mounts(ex!.svc)
      .filter((m) => m.kind !== "bind")
      .map((m) => m.target);
    const paths = statePaths(mountedConfig, ex!.img.workdir);
    expect(paths.length).toBeGreaterThan(0);
    for (const abs of paths) {
      expect(
        volumes.some((t) => abs === t || abs.startsWith(`${t}/`)),
        `${abs} is on a volume, not in memory`,
      ).toBe(true);
    }
    const { drainTimeout, killGrace } = mountedConfig.executor;
    expect(durationMs(ex!.svc.stop_grace_period ?? "10s")).toBeGreaterThanOrEqual(
      drainTimeout + killGrace + 15_000,
    );
  });
});

describe("the NATS service in docker-compose.yml", () => {
  const nats = compose.services["nats"]!;
  const confMount = mounts(nats).find((m) => m.target.endsWith("nats-server.conf"));
  const conf = readFileSync(join(REPO_ROOT, confMount!.source!), "utf8");

  it("runs NATS 2.12 or newer with JetStream synced on every write, on a volume", () => {
    const [major, minor] = (/:(\d+)\.(\d+)/.exec(nats.image ?? "") ?? []).slice(1).map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(212);
    expect(conf).toMatch(/^\s*sync_interval:\s*always\s*$/m);
    expect(conf).toMatch(/^\s*store_dir:\s*\$NATS_STORE_DIR\s*$/m);
    const store = nats.environment["NATS_STORE_DIR"];
    expect(mounts(nats)).toContainEqual(expect.objectContaining({ kind: "volume", target: store }));
    expect(Object.keys(compose.volumes)).toContain(
      mounts(nats).find((m) => m.target === store)?.source,
    );
  });

  it("serves monitoring, shuts down in lame-duck mode and includes the generated users", () => {
    expect(conf).toMatch(/^\s*http_port:\s*8222\s*$/m);
    expect(conf).toMatch(/^\s*lame_duck_duration:/m);
    expect(nats.stop_signal).toBe("SIGUSR2");
    expect(conf).toMatch(/^include \.\/auth\.conf$/m);
    expect(mounts(nats)).toContainEqual(
      expect.objectContaining({ source: "./k8s/base/nats/auth.conf", readOnly: true }),
    );
  });
});
