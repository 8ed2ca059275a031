import { describe, expect, it } from "vitest";
import { RequestWindow } from "./request-window.ts";

describe("RequestWindow", () => {
  it("lets `limit` requests through per window and makes the next one wait", async () => {
    const w = new RequestWindow(3, 300);
    const t0 = Date.now();
    await w.take();
    await w.take();
    await w.take();
    expect(Date.now() - t0).toBeLessThan(100);
    await w.take();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it("gives up when the run is aborted while waiting", async () => {
    const w = new RequestWindow(1, 10_000);
    await w.take();
    const ac = new AbortController();
    setTimeout(() => ac.abort("cancelled"), 20);
    await expect(w.take(ac.signal)).rejects.toThrow("cancelled");
  });
});
