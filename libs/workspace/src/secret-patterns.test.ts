import { describe, expect, it } from "vitest";
import { secretsIn, TOKEN_PATTERNS } from "./secret-patterns.ts";

// Built from pieces so this file itself does not look like it holds credentials.
const samples: Record<string, string> = {
  "GitHub token": "ghp_" + "x".repeat(14) + "A1b2C3d4E5f6G7h8I9j0K1",
  "GitHub fine-grained token": "github_pat_" + "11ABCDEFG0" + "a".repeat(12) + "_" + "b".repeat(59),
  "Anthropic API key": "sk-ant-" + "api03-" + "Zx9".repeat(30) + "AA",
  "OpenAI API key": "sk-" + "proj-" + "q".repeat(48),
  "Slack token": "xoxb-" + "123456789012-abcdefABCDEF",
  "Slack webhook URL": "https://hooks.slack.com/services/" + "T0ABC/B0DEF/" + "z".repeat(24),
  "AWS access key id": "AKIA" + "Z7QW3RT5YU8IOP2A",
  "AWS secret access key": "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "b".repeat(18),
  "private key": "-----BEGIN " + "EC PRIVATE KEY-----",
};

describe("secret patterns", () => {
  it("recognises every kind it names", () => {
    expect(Object.keys(samples).sort()).toEqual(TOKEN_PATTERNS.map((p) => p.name).sort());
    for (const [name, text] of Object.entries(samples)) {
      const hits = secretsIn(`  const x = "${text}"; // ${name}`, []);
      expect(hits, name).toContain(`${/^[AEIOU]/i.test(name) ? "an" : "a"} ${name}`);
    }
  });

  it("leaves ordinary code, documentation examples and look-alikes alone", () => {
    const ordinary = [
      'const apiKey = process.env["ANTHROPIC_API_KEY"];',
      "// see https://api.slack.com/authentication/token-types for xoxb tokens",
      "AKIAIOSFODNN7EXAMPLE is the key id AWS's documentation uses",
      "sk-ant-short",
      "git push origin ghp_branch_name",
      "-----BEGIN PUBLIC KEY-----",
      "-----BEGIN CERTIFICATE-----",
    ];
    for (const line of ordinary) expect(secretsIn(line, []), line).toEqual([]);
  });

  it("finds the executor's secret values by name, ignoring values too short to mean anything", () => {
    const known = [
      { name: "GITHUB_TOKEN", value: "a-long-enough-secret" },
      { name: "NATS_USER", value: "nats" },
    ];
    expect(secretsIn("url = https://x:a-long-enough-secret@host", known)).toEqual([
      "the value of GITHUB_TOKEN",
    ]);
    expect(secretsIn("connect to nats as user nats", known)).toEqual([]);
  });
});
