import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertReachable, REACHABLE_TRUST_MS } from "./reachable.ts";

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

  it("trusts a directory it found searchable for a while, then looks again", () => {
    const root = mkdtempSync(join(tmpdir(), "ns-reach-"));
    chmodSync(root, 0o711);
    const ws = join(root, "a", "work");
    mkdirSync(ws, { recursive: true });
    const t0 = 1_000_000;
    assertReachable(ws, 54322, 54322, t0);
    chmodSync(root, 0o700);
    // within the trust period: not looked at again
    expect(() => assertReachable(ws, 54322, 54322, t0 + REACHABLE_TRUST_MS - 1)).not.toThrow();
    // another uid is checked for itself
    expect(() => assertReachable(ws, 54323, 54323, t0 + 1)).toThrow("is not searchable");
    // after it: looked at again
    expect(() => assertReachable(ws, 54322, 54322, t0 + REACHABLE_TRUST_MS)).toThrow(
      `${root} is not searchable for it (mode 700)`,
    );
  });
});
