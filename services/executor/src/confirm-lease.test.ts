import { describe, expect, it } from "vitest";
import type { Lease } from "@nightshift/messaging";
import { confirmLease } from "./confirm-lease.ts";

/** A lease whose renewals answer from a script: each entry is one renewal's outcome. */
function scriptedLease(script: ("ok" | "late" | "lost" | "error")[]): Lease & { renewals: number } {
  let renewedAt = performance.now();
  const lease = {
    key: "repo.x",
    acquiredFence: 1,
    renewals: 0,
    fence: () => 1,
    renewedAt: () => renewedAt,
    renew() {
      const step = script[lease.renewals++] ?? "ok";
      if (step === "error") return Promise.reject(new Error("no responders"));
      if (step === "lost") return Promise.resolve(false);
      // "late": the answer of a renewal sent before this process was paused for a while
      renewedAt = step === "late" ? performance.now() - 60_000 : performance.now();
      return Promise.resolve(true);
    },
    release: () => Promise.resolve(),
  };
  return lease;
}

const opts = { timeoutMs: 3_000, intervalMs: 10 };

describe("confirmLease", () => {
  it("confirms on a fresh renewal", async () => {
    expect(await confirmLease(scriptedLease(["ok"]), opts)).toBe(true);
  });

  it("asks again when the renewal's answer came late (the process was paused)", async () => {
    const lease = scriptedLease(["late", "ok"]);
    expect(await confirmLease(lease, opts)).toBe(true);
    expect(lease.renewals).toBe(2);
    expect(await confirmLease(scriptedLease(["late", "lost"]), opts)).toBe(false);
  });

  it("is not confirmed when lost, nor when NATS never answers", async () => {
    expect(await confirmLease(scriptedLease(["lost"]), opts)).toBe(false);
    const silent = scriptedLease(Array.from({ length: 1000 }, () => "error" as const));
    expect(await confirmLease(silent, { timeoutMs: 200, intervalMs: 10 })).toBe(false);
    expect(await confirmLease(scriptedLease(["error", "error", "ok"]), opts)).toBe(true);
  });

  it("still asks once when the executor is being forced to stop (its last push)", async () => {
    const forced = AbortSignal.abort();
    expect(await confirmLease(scriptedLease(["ok"]), { ...opts, signal: forced })).toBe(true);
    expect(await confirmLease(scriptedLease(["error", "ok"]), { ...opts, signal: forced })).toBe(
      false,
    );
  });
});
