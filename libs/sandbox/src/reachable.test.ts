import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertReachable } from "./reachable.ts";

describe("assertReachable", () => {
  it("names the directory another uid cannot pass", () => {
    const root = mkdtempSync(join(tmpdir(), "ns-reach-"));
    const ws = join(root, "a", "work");
    mkdirSync(ws, { recursive: true });
    chmodSync(root, 0o700);
    expect(() => assertReachable(ws, 54321, 54321)).toThrow(
      `${root} is not searchable for it (mode 700)`,
    );
    chmodSync(root, 0o711);
    chmodSync(join(root, ".."), 0o755);
    expect(() => assertReachable(ws, 54321, 54321)).not.toThrow();
  });
});
