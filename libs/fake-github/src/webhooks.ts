import { createHmac, randomUUID } from "node:crypto";
import { jsonComment, jsonIssue, type Urls, type User } from "./model.ts";
import type { Happening } from "./state.ts";

/** A webhook delivery the fake made, and what the receiver answered. */
export interface Delivery {
  id: string;
  event: string;
  status: number;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Builds GitHub's webhook payloads from what happened and posts them, signed. */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  #target: { url: string; secret: string } | undefined;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(target: { url: string; secret: string } | undefined) {
    this.#target = target;
  }

  /** Starts (or stops, with undefined) delivering to `target`. */
  setTarget(target: { url: string; secret: string } | undefined): void {
    this.#target = target;
  }

  payload(h: Happening, urls: Urls, user: (login: string) => User): Record<string, unknown> {
    const r = h.repo;
    const u = (l: string) => ({ login: l, id: user(l).id, type: user(l).type });
    const out: Record<string, unknown> = {
      ...(h.action ? { action: h.action } : {}),
      sender: u(h.sender),
      repository: {
        full_name: `${r.owner}/${r.name}`,
        name: r.name,
        owner: u(r.owner),
        clone_url: r.dir,
      },
    };
    if (h.issue)
      out[h.issue.pull && h.event.startsWith("pull_request") ? "pull_request" : "issue"] =
        jsonIssue(r, h.issue, urls, user);
    if (h.comment) out["comment"] = jsonComment(r, h.comment, urls, user);
    if (h.label) out["label"] = { name: h.label };
    if (h.review)
      out["review"] = {
        id: h.review.id,
        state: h.review.state.toLowerCase(),
        body: h.review.body,
        user: u(h.review.user),
      };
    if (h.checkRun)
      out["check_run"] = {
        id: h.checkRun.id,
        name: h.checkRun.name,
        head_sha: h.checkRun.sha,
        status: h.checkRun.status,
        conclusion: h.checkRun.conclusion,
      };
    if (h.status) {
      out["sha"] = h.status.sha;
      out["state"] = h.status.state;
      out["context"] = h.status.context;
    }
    return out;
  }

  send(h: Happening, urls: Urls, user: (login: string) => User): void {
    const target = this.#target;
    if (!target) return;
    const body = JSON.stringify(this.payload(h, urls, user));
    this.#track(this.post(target.url, h.event, body, { signature: sign(target.secret, body) }));
  }

  /** Posts one delivery; tests use it directly to send forged or repeated deliveries. */
  async post(
    url: string,
    event: string,
    body: string,
    o: { signature?: string; id?: string } = {},
  ): Promise<Delivery> {
    const id = o.id ?? randomUUID();
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": id,
        "user-agent": "GitHub-Hookshot/fake",
        ...(o.signature ? { "x-hub-signature-256": o.signature } : {}),
      },
      body,
    });
    await res.text();
    const d = { id, event, status: res.status };
    this.deliveries.push(d);
    return d;
  }

  #track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.#pending.add(q);
    void q.finally(() => this.#pending.delete(q));
  }

  async drain(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
