import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { EXAMPLE_CONFIG } from "./example.ts";
import { loadConfig, parseConfig } from "./load.ts";

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("uses defaults when nothing is configured", () => {
    const { config } = parseConfig({}, {});
    expect(config.executor.slots).toBe(2);
    expect(config.nats.ackWait).toBe(60_000);
    expect(config.http.port).toBe(8080);
  });

  it("parses durations and lets the environment override", () => {
    const { config, secrets } = parseConfig(
      { nats: { ackWait: "2m", heartbeat: "20s" }, executor: { timeout: "90s" } },
      { NATS_URL: "nats://x:1", NIGHTSHIFT_HTTP_PORT: "9999", GITHUB_TOKEN: "ghp_secret" },
    );
    expect(config.nats.ackWait).toBe(120_000);
    expect(config.executor.timeout).toBe(90_000);
    expect(config.nats.url).toBe("nats://x:1");
    expect(config.http.port).toBe(9999);
    expect(secrets.GITHUB_TOKEN).toBe("ghp_secret");
  });

  it("treats an empty secret variable as unset (compose passes `KEY=` through as empty)", () => {
    const { secrets } = parseConfig({}, { GITHUB_TOKEN: "", SLACK_WEBHOOK_URL: "https://x" });
    expect(secrets.GITHUB_TOKEN).toBeUndefined();
    expect(secrets.SLACK_WEBHOOK_URL).toBe("https://x");
  });

  it("reports every problem at once, each with its path", () => {
    const paths = issuesOf(() =>
      parseConfig(
        {
          executor: { slots: 0, timeout: "soon", defaultBackend: "nope" },
          nats: { heartbeat: "50s" },
          backends: { x: { type: "command", argv: [] } },
          unknownSection: {},
        },
        { NIGHTSHIFT_HTTP_PORT: "abc" },
      ),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "env.NIGHTSHIFT_HTTP_PORT",
        "executor.slots",
        "executor.timeout",
        "backends.x.argv",
        "",
      ]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(5);
  });

  it("checks that the default backend exists", () => {
    expect(issuesOf(() => parseConfig({ executor: { defaultBackend: "ghost" } }, {}))).toEqual([
      "executor.defaultBackend",
    ]);
  });

  it("reads a YAML file and reports YAML errors with a line", () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-config-"));
    const good = join(dir, "good.yml");
    writeFileSync(good, "executor:\n  slots: 4\n");
    expect(loadConfig({ path: good, env: {} }).config.executor.slots).toBe(4);
    const bad = join(dir, "bad.yml");
    writeFileSync(bad, "executor:\n  slots: 4\n  slots: 5\n");
    expect(() => loadConfig({ path: bad, env: {} })).toThrow(/bad\.yml:3/);
    expect(() => loadConfig({ path: join(dir, "missing.yml"), env: {} })).toThrow(/does not exist/);
  });

  it("ships an example that parses and matches the repository's nightshift.yml", () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-config-"));
    const file = join(dir, "nightshift.yml");
    writeFileSync(file, EXAMPLE_CONFIG);
    const { config } = loadConfig({ path: file, env: {} });
    expect(config.executor.defaultBackend).toBe("shell");
    const repoFile = new URL("../../../nightshift.yml", import.meta.url);
    expect(readFileSync(repoFile, "utf8")).toBe(EXAMPLE_CONFIG);
  });
});
