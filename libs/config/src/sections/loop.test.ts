import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { EXAMPLE_CONFIG } from "../example.ts";
import { parseConfig } from "../load.ts";

/** The example's commented `loop:` section, switched on. */
function exampleLoop(): Record<string, unknown> {
  const lines = EXAMPLE_CONFIG.split("\n");
  const section: string[] = [];
  for (const l of lines.slice(lines.indexOf("# loop:"))) {
    if (!l.startsWith("#")) break;
    section.push(l.slice(2));
  }
  return parseDocument(section.join("\n")).toJS() as Record<string, unknown>;
}

describe("loop config", () => {
  it("parses the example's section", () => {
    const { config } = parseConfig(
      { ...exampleLoop(), backends: { claude: { type: "claude-code" } } },
      {},
    );
    expect(config.loop).toEqual({
      worker: { backend: "claude" },
      reviewer: { backend: "claude", model: "claude-opus-4-1" },
    });
  });

  it("defaults to no roles, and refuses unknown keys", () => {
    expect(parseConfig({}, {}).config.loop).toEqual({ worker: {}, reviewer: {} });
    expect(() => parseConfig({ loop: { rounds: 3 } }, {})).toThrow(/loop/);
  });
});
