import { mkdirSync, mkdtempSync, readFileSync, existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ToolError, WorkspaceFiles } from "./workspace-files.ts";

describe("WorkspaceFiles with writable folders", () => {
  it("writes only under the writable folders and reads everywhere", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-files-"));
    mkdirSync(join(root, ".nightshift", "review"), { recursive: true });
    mkdirSync(join(root, "src"));
    symlinkSync(join(root, "src"), join(root, ".nightshift", "review", "escape"));
    const files = new WorkspaceFiles(root, undefined, [".nightshift/review"]);
    await files.write(".nightshift/review/report.json", "{}");
    expect(readFileSync(join(root, ".nightshift/review/report.json"), "utf8")).toBe("{}");
    await expect(files.write("src/app.ts", "hacked")).rejects.toThrow(ToolError);
    await expect(files.write(".nightshift/review/escape/app.ts", "hacked")).rejects.toThrow(
      /read-only here/,
    );
    await expect(files.edit(".nightshift/review/report.json", "{}", "[]")).resolves.toBe(1);
    expect(existsSync(join(root, "src", "app.ts"))).toBe(false);
    expect(await files.read(".nightshift/review/report.json")).toBe("[]");
  });

  it("writes anywhere in the workspace without a limit", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-files-"));
    await new WorkspaceFiles(root).write("src/app.ts", "ok");
    expect(readFileSync(join(root, "src/app.ts"), "utf8")).toBe("ok");
  });
});
