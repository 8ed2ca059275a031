import { coerceError } from "@nightshift/errors";
import { webhookVerifier } from "@nightshift/github";
import { isWrongLastSequence, type Bus } from "@nightshift/messaging";
import type { Hono, Logger } from "@nightshift/runtime";
import { handleWebhook, parseWebhookPayload } from "./github/webhook-events.ts";
import type { GitHubRepoWatcher } from "./github/repo-watcher.ts";
import { CursorKeys } from "./kv-keys.ts";
import type { PollerMetrics } from "./metrics.ts";

export interface WebhookRouteOptions {
  app: Hono;
  path: string;
  secret: string;
  bus: Bus;
  log: Logger;
  metrics: PollerMetrics;
  watcherFor: (repo: string) => GitHubRepoWatcher | undefined;
  /** Keeps handling that outlives the response, so shutdown can wait for it. */
  track: (work: Promise<void>) => void;
}

/**
 * `POST <path>`: GitHub webhooks. The signature is checked first (401 without a valid
 * one); a delivery id seen before is answered 200 and ignored; the rest is answered 202
 * at once and handled in the background by the same code polling uses. A delivery that
 * fails, or never arrives, is caught by the next poll.
 */
export function mountWebhookRoute(o: WebhookRouteOptions): void {
  const verify = webhookVerifier(o.secret);
  o.app.post(o.path, async (c) => {
    const body = await c.req.text();
    if (!(await verify(body, c.req.header("x-hub-signature-256")))) {
      o.metrics.webhooks.inc({ outcome: "bad-signature" });
      return c.json({ error: "invalid signature" }, 401);
    }
    const id = c.req.header("x-github-delivery");
    const event = c.req.header("x-github-event");
    if (!id || !event) return c.json({ error: "missing X-GitHub-Delivery or X-GitHub-Event" }, 400);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return c.json({ error: "body is not JSON" }, 400);
    }
    try {
      await o.bus.kv.cursors.create(
        CursorKeys.delivery(id),
        JSON.stringify({ event, at: new Date().toISOString() }),
      );
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      o.metrics.webhooks.inc({ outcome: "duplicate" });
      return c.json({ status: "duplicate" }, 200);
    }
    const payload = parseWebhookPayload(json);
    const watcher = payload ? o.watcherFor(payload.repository.full_name) : undefined;
    if (!payload || !watcher) {
      o.metrics.webhooks.inc({ outcome: "ignored" });
      return c.json({ status: "ignored" }, 202);
    }
    o.metrics.webhooks.inc({ outcome: "accepted" });
    o.track(
      handleWebhook(watcher, event, payload).catch((err: unknown) => {
        o.log.warn(
          { err: coerceError(err), delivery: id, event },
          "webhook not handled; polling will catch up",
        );
      }),
    );
    return c.json({ status: "accepted" }, 202);
  });
}
