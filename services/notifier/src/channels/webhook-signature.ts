import { createHmac, timingSafeEqual } from "node:crypto";

/** Headers of a signed webhook delivery. */
export const WebhookHeaders = {
  signature: "x-nightshift-signature",
  timestamp: "x-nightshift-timestamp",
  delivery: "x-nightshift-delivery",
  event: "x-nightshift-event",
} as const;

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the shared secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * What a receiver does: recompute the signature over the raw body and the timestamp header,
 * compare in constant time, and refuse timestamps too far from now (replays).
 */
export function verifyWebhook(opts: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSec?: number;
  nowSec?: number;
}): boolean {
  if (opts.timestamp === undefined || opts.signature === undefined) return false;
  const ts = Number(opts.timestamp);
  if (!Number.isInteger(ts)) return false;
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSec ?? 300)) return false;
  const want = Buffer.from(signWebhook(opts.secret, ts, opts.body));
  const got = Buffer.from(opts.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}
