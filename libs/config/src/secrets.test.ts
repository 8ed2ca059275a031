import { describe, expect, it } from "vitest";
import { secretValues } from "./secrets.ts";

describe("secretValues", () => {
  it("returns secret values but not user names, which also name the services", () => {
    const values = secretValues({
      NATS_USER: "scheduler",
      NATS_PASSWORD: "s3cret-pass",
      GITHUB_APP_ID: "123456",
      GITHUB_TOKEN: "ghp_abc",
    });
    expect(values.sort()).toEqual(["ghp_abc", "s3cret-pass"]);
  });
});
