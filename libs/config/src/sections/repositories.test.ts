import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { ConfigError } from "../config-error.ts";
import { EXAMPLE_CONFIG } from "../example.ts";
import { parseConfig } from "../load.ts";

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

/** The example's commented `repositories:` section, switched on. */
function exampleRepositories(): unknown {
  const lines = EXAMPLE_CONFIG.split("\n");
  const from = lines.indexOf("# repositories:");
  const section: string[] = [];
  for (const l of lines.slice(from)) {
    if (!l.startsWith("#")) break;
    section.push(l.slice(2));
  }
  return parseDocument(section.join("\n")).toJS() as unknown;
}

describe("repositories config", () => {
  it("parses the example's section, landing included", () => {
    const { config } = parseConfig(exampleRepositories(), {});
    expect(config.repositories).toEqual([
      {
        match: "https://github.com/acme/web.git",
        check: { command: "npm test", timeout: 600_000 },
        landing: { enabled: true, paths: ["src/**", "test/**"] },
      },
    ]);
  });

  it("has landing off unless enabled", () => {
    const { config } = parseConfig(
      { repositories: [{ match: "/srv/app", landing: { paths: ["src/**"] } }] },
      {},
    );
    expect(config.repositories[0]?.landing?.enabled).toBe(false);
  });

  it("allows landing only for a named repository with a check", () => {
    expect(
      problems({
        repositories: [{ match: "*", check: { command: "true" }, landing: { enabled: true } }],
      }),
    ).toEqual([expect.stringMatching(/^repositories\.0\.landing: .*name the repository/)]);
    expect(problems({ repositories: [{ match: "/srv/app", landing: { enabled: true } }] })).toEqual(
      [expect.stringMatching(/^repositories\.0\.landing: landing needs a check command/)],
    );
  });
});
