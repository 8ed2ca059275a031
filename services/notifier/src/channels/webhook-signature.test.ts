import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook-signature.ts";

describe("webhook signatures", () => {
  const secret = "a-shared-secret-of-some-length";
  const body = '{"v":1,"id":"t-1"}';

  it("is HMAC-SHA256 over <timestamp>.<body>, hex, with a sha256= prefix", () => {
    const expected = createHmac("sha256", secret).update(`1700000000.${body}`).digest("hex");
    expect(signWebhook(secret, 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it("verifies, and refuses tampering, wrong secrets and stale timestamps", () => {
    const sig = signWebhook(secret, 1700000000, body);
    const ok = { secret, body, timestamp: "1700000000", signature: sig, nowSec: 1700000100 };
    expect(verifyWebhook(ok)).toBe(true);
    expect(verifyWebhook({ ...ok, body: body.replace("t-1", "t-2") })).toBe(false);
    expect(verifyWebhook({ ...ok, secret: "another-secret-entirely" })).toBe(false);
    expect(verifyWebhook({ ...ok, timestamp: "1700000001" })).toBe(false);
    expect(verifyWebhook({ ...ok, nowSec: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhook({ ...ok, signature: undefined })).toBe(false);
    expect(verifyWebhook({ ...ok, signature: "sha256=00" })).toBe(false);
  });
});
