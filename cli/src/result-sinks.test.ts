import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { githubResultSinks } from "@nightshift/github";
import { serviceDefinitions } from "./services.ts";

describe("result sinks", () => {
  it("enables the GitHub sink only when GitHub credentials are in the environment", () => {
    const { config, secrets } = parseConfig({}, { GITHUB_TOKEN: "ghp_exampleexampleexample" });
    expect(githubResultSinks(config.github, secrets).map((s) => s.name)).toEqual(["github"]);
    const none = parseConfig({}, {});
    expect(githubResultSinks(none.config.github, none.secrets)).toEqual([]);
  });

  it("keeps the executor's name for the service built with sinks", () => {
    expect(serviceDefinitions({}).executor.name).toBe("executor");
  });
});
