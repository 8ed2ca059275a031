import { describe, expect, it } from "vitest";
import { globToRegExp, outsidePaths } from "./landing.ts";

describe("landing paths", () => {
  it("matches globs over whole paths", () => {
    expect(globToRegExp("src/**").test("src/a/b.ts")).toBe(true);
    expect(globToRegExp("src/**").test("srcx/a.ts")).toBe(false);
    expect(globToRegExp("**/*.md").test("README.md")).toBe(true);
    expect(globToRegExp("**/*.md").test("docs/a/b.md")).toBe(true);
    expect(globToRegExp("*.md").test("docs/b.md")).toBe(false);
    expect(globToRegExp("a?.txt").test("ab.txt")).toBe(true);
    expect(globToRegExp("a.txt").test("abtxt")).toBe(false);
  });

  it("lists the files no glob allows; no globs allow everything", () => {
    expect(
      outsidePaths(["src/a.ts", "package.json", "docs/x.md"], ["src/**", "docs/*.md"]),
    ).toEqual(["package.json"]);
    expect(outsidePaths(["anything"], [])).toEqual([]);
  });
});
