import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error.ts";
import { parseConfig } from "../load.ts";

describe("api config", () => {
  it("has defaults and parses durations", () => {
    expect(parseConfig({}, {}).config.api).toEqual({
      maxBodyBytes: 262_144,
      sampleInterval: 5_000,
      samples: 720,
    });
    expect(
      parseConfig({ api: { sampleInterval: "2s", samples: 10, maxBodyBytes: 4096 } }, {}).config
        .api,
    ).toEqual({ maxBodyBytes: 4096, sampleInterval: 2_000, samples: 10 });
  });

  it("reports bad values with their paths", () => {
    try {
      parseConfig({ api: { maxBodyBytes: 10, samples: 1, sampleInterval: "often", x: 1 } }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.path).sort()).toEqual([
        "api",
        "api.maxBodyBytes",
        "api.sampleInterval",
        "api.samples",
      ]);
    }
  });

  it("takes API tokens only from the environment", () => {
    const { secrets } = parseConfig({}, { NIGHTSHIFT_API_TOKENS: "ci:abcd1234" });
    expect(secrets.NIGHTSHIFT_API_TOKENS).toBe("ci:abcd1234");
  });
});
