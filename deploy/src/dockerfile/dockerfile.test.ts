import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "@nightshift/cli";
import { SERVICE_NAMES } from "@nightshift/host";
import { checkInvocation, nightshiftArgs } from "../checks/commands.ts";
import { knownEnv, PLATFORM_ENV } from "../checks/known-env.ts";
import { readComposeFile, resolveCompose } from "../compose/load.ts";
import { ComposeFile } from "../compose/model.ts";
import { buildTarget } from "../compose/outside.ts";
import { REPO_ROOT } from "../paths.ts";
import { dockerignore } from "./dockerignore.ts";
import { lintDockerfile } from "./lint.ts";
import { imageConfig, parseDockerfile } from "./model.ts";

const text = readFileSync(join(REPO_ROOT, "deploy", "Dockerfile"), "utf8");
const raw = readComposeFile(join(REPO_ROOT, "docker-compose.yml"));
const compose = ComposeFile.parse(
  resolveCompose(raw, new Proxy<Record<string, string>>({}, { get: () => "x" })),
);
/** The images compose runs: the build targets of its services. */
const targets = [
  ...new Set(
    Object.keys(compose.services).flatMap(
      (s) => buildTarget(compose, s, parseDockerfile(text)) ?? [],
    ),
  ),
];

function rules(dockerfile: string): string[] {
  return lintDockerfile(dockerfile, targets).map((p) => p.rule);
}

describe("deploy/Dockerfile", () => {
  it("builds the images compose runs, and passes the lint", () => {
    expect(targets.sort()).toEqual(["executor", "nightshift"]);
    expect(lintDockerfile(text, targets)).toEqual([]);
  });

  it("is a multi-stage build: install with dev dependencies, tsc -b, prune, then a slim Node 24 runtime", () => {
    const model = parseDockerfile(text);
    const build = model.stages.find((s) => s.name === "build");
    const runs =
      build?.steps
        .filter((s) => s.keyword === "RUN")
        .map((s) => s.args)
        .join("\n") ?? "";
    expect(runs).toMatch(/npm ci --include=dev/);
    expect(runs).toMatch(/tsc -b cli/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    expect(model.globalArgs["NODE_IMAGE"]).toMatch(/^node:24\.\d+\.\d+-\w+-slim$/);
    const runtime = imageConfig(model, "nightshift");
    expect(runtime.chain.map((s) => s.name)).toEqual(["base", "nightshift"]);
    expect(runtime.entrypoint).toEqual(["/usr/bin/tini", "--", "nightshift"]);
  });

  it("runs only commands the CLI accepts and sets only variables nightshift reads", () => {
    const model = parseDockerfile(text);
    const known = knownEnv(REPO_ROOT);
    for (const target of targets) {
      const img = imageConfig(model, target);
      const args = nightshiftArgs([...img.entrypoint, ...img.cmd]);
      expect(args, target).toBeDefined();
      const ctx = { commands: COMMANDS, services: SERVICE_NAMES, schedules: [] };
      expect(checkInvocation({ where: `Dockerfile ${target}`, args: args! }, ctx)).toEqual([]);
      for (const name of Object.keys(img.env)) {
        expect(known.has(name) || name in PLATFORM_ENV, `${target}: ENV ${name}`).toBe(true);
      }
    }
  });

  it("adds git, bubblewrap and the agent CLIs at pinned versions to the executor image", () => {
    const ex = imageConfig(parseDockerfile(text), "executor");
    const run =
      ex.chain
        .at(-1)
        ?.steps.filter((s) => s.keyword === "RUN")
        .map((s) => s.args)
        .join(" ") ?? "";
    for (const pkg of ["git", "bubblewrap"]) expect(run).toContain(` ${pkg} `);
    expect(run).toMatch(/@anthropic-ai\/claude-code@\$\{CLAUDE_CODE_VERSION\}/);
    expect(run).toMatch(/@openai\/codex@\$\{CODEX_VERSION\}/);
    expect(run).toMatch(/claude --version.*codex --version/);
  });

  it("pins each globally installed CLI to the version the test suite runs (package-lock.json)", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const model = parseDockerfile(text);
    const ex = imageConfig(model, "executor").chain.at(-1)!;
    const args = Object.fromEntries(
      ex.steps
        .filter((s) => s.keyword === "ARG")
        .map((s) => s.args.split("=", 2) as [string, string]),
    );
    const specs = [
      ...ex.steps
        .map((s) => s.args)
        .join(" ")
        .matchAll(/"(@?[\w./-]+)@\$\{(\w+)\}"/g),
    ];
    expect(specs.map((m) => m[1])).toEqual(["@anthropic-ai/claude-code", "@openai/codex"]);
    for (const [, pkg, arg] of specs) {
      const tested = lock.packages[`node_modules/${pkg}`]?.version;
      expect(tested, `${pkg} is in package-lock.json`).toBeDefined();
      expect([pkg, args[arg as string]]).toEqual([pkg, tested]);
    }
  });

  it("fails the lint on each thing it guards", () => {
    const cases: [string, (t: string) => string][] = [
      ["pin-base", (t) => t.replace(/node:24\.\d+\.\d+-trixie-slim/, "node:latest")],
      ["non-root", (t) => t.replace(/\nUSER 1000:1000\n(?=EXPOSE)/, "\n")],
      ["exec-form", (t) => t.replace('CMD ["--help"]', "CMD nightshift --help")],
      ["npm-pin", (t) => t.replace("CODEX_VERSION=0.169.0", "CODEX_VERSION=latest")],
      [
        "apt-recommends",
        (t) => t.replace("install -y --no-install-recommends tini", "install -y tini"),
      ],
      ["apt-lists", (t) => t.replace(/ \\\n && rm -rf \/var\/lib\/apt\/lists\/\*\nCOPY/, "\nCOPY")],
      [
        "init",
        (t) =>
          t.replace(
            'ENTRYPOINT ["/usr/bin/tini", "--", "nightshift"]',
            'ENTRYPOINT ["nightshift"]',
          ),
      ],
      ["healthcheck", (t) => t.replace("/readyz", "/livez").replace('node", "-e"', 'curl", "-f"')],
      ["copy-from", (t) => t.replace("COPY --from=build", "COPY --from=biuld")],
      [
        "no-secret-env",
        (t) => t.replace("NODE_ENV=production", "NODE_ENV=production GITHUB_TOKEN=x"),
      ],
    ];
    for (const [rule, edit] of cases) {
      const broken = edit(text);
      expect(broken, rule).not.toBe(text);
      expect(rules(broken), rule).toContain(rule);
    }
    expect(rules("FROM node:24.21.0-trixie-slim AS x\nFROBNICATE\n").join()).toMatch(
      /dockerfile-utils/,
    );
  });
});

describe(".dockerignore", () => {
  const ignored = dockerignore(readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8"));

  it("sends every workspace's package.json and the sources the build copies, but no secrets or state", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      workspaces: string[];
    };
    for (const ws of pkg.workspaces) {
      expect(ignored(`${ws.replace("/*", "/x")}/package.json`), ws).toBe(false);
    }
    for (const p of [
      "package-lock.json",
      "tsconfig.base.json",
      "libs/config/src/schema.ts",
      "cli/src/main.ts",
    ]) {
      expect(ignored(p), p).toBe(false);
    }
    for (const p of [
      ".env",
      "deploy/nightshift.env",
      "node_modules/x/index.js",
      "libs/config/dist/index.js",
      ".git/HEAD",
      ".nightshift/nats/x",
      "deploy/src/paths.ts",
      "k8s/base/kustomization.yaml",
    ]) {
      expect(ignored(p), p).toBe(true);
    }
  });
});
