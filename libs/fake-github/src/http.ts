import { createHash, randomBytes } from "node:crypto";
import type { Context } from "hono";

/** Who a request is authenticated as. */
export type Principal =
  | { kind: "user"; login: string; key: string }
  | { kind: "installation"; installationId: number; login: string; key: string }
  | { kind: "app"; appId: string; key: string };

/** An injected failure, consumed by the next `times` matching requests. */
export interface Fault {
  kind: "secondary" | "primary" | "status";
  times: number;
  status?: number;
  retryAfterSec?: number;
  match?: RegExp;
}

/** One request the fake answered. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  principal: string | undefined;
  /** Whether the answer counted against the primary rate limit. */
  counted: boolean;
}

interface Bucket {
  limit: number;
  used: number;
  reset: number;
}

/** Rate-limit buckets per principal, the fault queue and the request log. */
export class Traffic {
  readonly log: Exchange[] = [];
  readonly faults: Fault[] = [];
  readonly #buckets = new Map<string, Bucket>();
  limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  bucket(key: string): Bucket {
    let b = this.#buckets.get(key);
    const nowSec = Math.floor(Date.now() / 1000);
    if (!b || b.reset <= nowSec) {
      b = { limit: this.limit, used: 0, reset: nowSec + 3600 };
      this.#buckets.set(key, b);
    }
    return b;
  }

  /** Empties a principal's bucket until `resetInSec` from now (primary limit exhausted). */
  exhaust(key: string, resetInSec: number): void {
    const b = this.bucket(key);
    b.used = b.limit;
    b.reset = Math.floor(Date.now() / 1000) + resetInSec;
  }

  takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) => f.times > 0 && (!f.match || f.match.test(`${method} ${path}`)),
    );
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.times--;
    if (f.times === 0) this.faults.splice(i, 1);
    return f;
  }
}

export function rateHeaders(b: Bucket): Record<string, string> {
  return {
    "x-ratelimit-limit": String(b.limit),
    "x-ratelimit-remaining": String(Math.max(0, b.limit - b.used)),
    "x-ratelimit-used": String(b.used),
    "x-ratelimit-reset": String(b.reset),
    "x-ratelimit-resource": "core",
  };
}

export function etagOf(body: string, link: string | undefined): string {
  return `W/"${createHash("sha1")
    .update(body)
    .update(link ?? "")
    .digest("hex")}"`;
}

export function errorBody(message: string): string {
  return JSON.stringify({
    message,
    documentation_url: "https://docs.github.com/rest",
    status: undefined,
  });
}

export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString("base64url")}`;
}

/** Page of `items` per `page`/`per_page` with GitHub's `Link` header (absolute URLs). */
export function paginate<T>(c: Context, items: T[]): { page: T[]; link: string | undefined } {
  const url = new URL(c.req.url);
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30)));
  const pageNo = Math.max(1, Number(url.searchParams.get("page") ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const at = (n: number): string => {
    const u = new URL(url);
    u.searchParams.set("page", String(n));
    u.searchParams.set("per_page", String(perPage));
    return u.href;
  };
  const rels: string[] = [];
  if (pageNo < last) rels.push(`<${at(pageNo + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (pageNo > 1) rels.push(`<${at(1)}>; rel="first"`, `<${at(pageNo - 1)}>; rel="prev"`);
  return { page, link: rels.length > 0 ? rels.join(", ") : undefined };
}
