import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_CONFIG } from "@nightshift/config";
import type { Io } from "./command.ts";
import { runCli } from "./run.ts";

function io(
  cwd: string,
  env: Record<string, string> = {},
): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env,
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}

describe("nightshift CLI", () => {
  it("prints every config problem with its path and exits non-zero", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-cli-"));
    writeFileSync(
      join(dir, "nightshift.yml"),
      "executor:\n  slots: -1\n  timeout: whenever\n  defaultBackend: ghost\nbackends:\n  b:\n    type: command\n    argv: []\ntypo: 1\n",
    );
    const t = io(dir, { NIGHTSHIFT_HTTP_PORT: "http" });
    expect(await runCli(["config", "check"], t)).toBe(1);
    const text = t.stderr();
    for (const path of [
      "executor.slots",
      "executor.timeout",
      "backends.b.argv",
      "(root)",
      "env.NIGHTSHIFT_HTTP_PORT",
    ]) {
      expect(text).toContain(`  ${path}: `);
    }
    expect(text.split("\n")[0]).toMatch(
      /^nightshift config: invalid .*nightshift\.yml \(\d+ problems\):$/,
    );
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("accepts a valid config and says what it found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-cli-"));
    const t = io(dir);
    expect(await runCli(["init"], t)).toBe(0);
    expect(readFileSync(join(dir, "nightshift.yml"), "utf8")).toBe(EXAMPLE_CONFIG);
    expect(await runCli(["init"], t)).toBe(1);
    expect(t.stderr()).toMatch(/exists; use --force/);
    const t2 = io(dir);
    expect(await runCli(["config", "check"], t2)).toBe(0);
    expect(t2.stdout()).toMatch(/is valid: 2 backend\(s\) \[shell, echo\]/);
  });

  it("answers usage errors with one line and exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-cli-"));
    const t = io(dir);
    expect(await runCli(["submit", "--timeout", "soon", "--", "x"], t)).toBe(2);
    expect(t.stderr()).toMatch(/^nightshift submit: --timeout must be a duration/);
    const t2 = io(dir);
    expect(await runCli(["frobnicate"], t2)).toBe(2);
    expect(t2.stderr()).toBe('nightshift: unknown command "frobnicate" (see nightshift --help)\n');
    const t3 = io(dir);
    expect(await runCli(["status", "--bogus"], t3)).toBe(2);
    expect(t3.stderr()).toMatch(/Unknown option '--bogus'/);
  });

  it("says clearly when there is no NATS server to talk to", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-cli-"));
    const t = io(dir);
    expect(await runCli(["status"], t)).toBe(1);
    expect(t.stderr()).toBe(
      "nightshift status: no NATS server to talk to: set NATS_URL or nats.url, or start the stack here with `nightshift up`\n",
    );
    const t2 = io(dir, { NATS_URL: "nats://127.0.0.1:1" });
    expect(await runCli(["status"], t2)).toBe(1);
    expect(t2.stderr()).toMatch(
      /^nightshift status: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/,
    );
  });
});
