import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { EXAMPLE_CONFIG } from "./example.ts";
import { parseConfig } from "./load.ts";
import { parseSize } from "./size.ts";
import { parseDocument } from "yaml";

describe("workspace config", () => {
  it("has defaults for every key", () => {
    const { config } = parseConfig({}, {});
    expect(config.workspace).toEqual({
      ttl: 86_400_000,
      sweepInterval: 600_000,
      quota: 10 * 1024 ** 3,
      quotaInterval: 15_000,
    });
  });

  it("parses sizes and durations", () => {
    const { config } = parseConfig(
      {
        workspace: {
          mirrors: "/var/lib/nightshift/mirrors",
          ttl: "2h",
          sweepInterval: "30s",
          quota: "512MiB",
          quotaInterval: "5s",
        },
      },
      {},
    );
    expect(config.workspace).toEqual({
      mirrors: "/var/lib/nightshift/mirrors",
      ttl: 7_200_000,
      sweepInterval: 30_000,
      quota: 512 * 1024 ** 2,
      quotaInterval: 5_000,
    });
    expect(parseSize("10GB")).toBe(10e9);
    expect(parseSize("1.5KiB")).toBe(1536);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize("12 parsecs")).toBeUndefined();
    expect(parseSize(-1)).toBeUndefined();
  });

  it("reports bad values with their paths", () => {
    try {
      parseConfig({ workspace: { quota: "lots", ttl: "soon", mirrors: "", extra: 1 } }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const paths = (err as ConfigError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(["workspace", "workspace.mirrors", "workspace.quota", "workspace.ttl"]);
    }
  });

  it("is documented in the example configuration", () => {
    const doc = parseDocument(EXAMPLE_CONFIG).toJS() as { workspace: Record<string, unknown> };
    expect(Object.keys(doc.workspace).sort()).toEqual(
      ["quota", "quotaInterval", "sweepInterval", "ttl"].sort(),
    );
    expect(EXAMPLE_CONFIG).toMatch(/^ {2}# mirrors: /m);
  });
});
