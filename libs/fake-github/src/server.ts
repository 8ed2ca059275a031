import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import {
  errorBody,
  etagOf,
  newToken,
  paginate,
  rateHeaders,
  Traffic,
  type Exchange,
  type Fault,
  type Principal,
} from "./http.ts";
import { verifyAppJwt } from "./jwt.ts";
import type { Repo, Urls } from "./model.ts";
import { HttpError, type AppIdentity, type Register, type Reply, type RouteCtx } from "./route.ts";
import { registerChecks } from "./routes-checks.ts";
import { registerIssues } from "./routes-issues.ts";
import { registerMeta } from "./routes-meta.ts";
import { registerPulls } from "./routes-pulls.ts";
import { FakeGitHubState } from "./state-pulls.ts";
import type { Happening } from "./state.ts";
import { WebhookSender } from "./webhooks.ts";

export interface FakeGitHubOptions {
  /** API path prefix; `/api/v3` imitates GitHub Enterprise. */
  prefix?: string;
  /** Primary rate limit per principal and hour. */
  rateLimit?: number;
  /** Where to deliver webhooks, signed with `secret`. */
  webhook?: { url: string; secret: string };
}

export interface FakeGitHub {
  /** The API root to give clients (`GITHUB_API_URL`). */
  url: string;
  state: FakeGitHubState;
  traffic: Traffic;
  app: AppIdentity;
  webhooks: WebhookSender;
  /** A personal access token for `login` (the user is created when new). */
  token(login: string): string;
  /** Queues a failure for the next `times` requests matching `match` (`"GET /repos/a/b/issues"`). */
  fail(fault: Partial<Fault> & { kind: Fault["kind"] }): void;
  /** Requests answered so far. */
  exchanges(): Exchange[];
  stop(): Promise<void>;
}

/** Starts a fake GitHub REST API with real git remotes on loopback. */
export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const prefix = opts.prefix ?? "";
  const root = await mkdtemp(join(tmpdir(), "fake-github-"));
  const traffic = new Traffic(opts.rateLimit ?? 5000);
  const tokens = new Map<string, Principal>();
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const app: AppIdentity = {
    id: "4242",
    slug: "nightshift-test",
    privateKey: keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    installations: new Map(),
  };
  const webhooks = new WebhookSender(opts.webhook);
  const urls: Urls = { api: "", web: "https://github.test" };
  const state = new FakeGitHubState(root, (h: Happening) =>
    webhooks.send(h, urls, (l) => state.user(l)),
  );
  const hono = new Hono();

  const authenticate = (c: Context): Principal | undefined => {
    const h = c.req.header("authorization") ?? "";
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(h);
    if (!m?.[1]) return undefined;
    const known = tokens.get(m[1]);
    if (known) return known;
    if (m[1].split(".").length === 3 && verifyAppJwt(m[1], app.publicKey, app.id).ok)
      return { kind: "app", appId: app.id, key: `app:${app.id}` };
    return undefined;
  };

  const register: Register = (method, path, route, ropts) => {
    hono.on(method, `${prefix}${path}`, async (c) => {
      const t = {
        method,
        path: new URL(c.req.url).pathname,
        principal: undefined as string | undefined,
      };
      const send = (
        status: number,
        body: string | null,
        headers: Record<string, string>,
        counted: boolean,
      ): Response => {
        traffic.log.push({ ...t, status, counted });
        return new Response(body, {
          status,
          headers: { "content-type": "application/json; charset=utf-8", ...headers },
        });
      };
      const principal = authenticate(c);
      if (!principal) return send(401, errorBody("Bad credentials"), {}, false);
      t.principal = principal.key;
      if ((ropts?.auth === "app") !== (principal.kind === "app"))
        return send(
          principal.kind === "app" ? 401 : 403,
          errorBody(
            principal.kind === "app"
              ? "A JSON web token could not be decoded"
              : "Resource requires a JWT",
          ),
          {},
          false,
        );
      const bucket = traffic.bucket(principal.key);
      const fault = traffic.takeFault(method, t.path);
      if (fault?.kind === "secondary")
        return send(
          403,
          errorBody(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          ),
          { ...rateHeaders(bucket), "retry-after": String(fault.retryAfterSec ?? 60) },
          false,
        );
      if (fault?.kind === "status")
        return send(fault.status ?? 502, errorBody("Server Error"), rateHeaders(bucket), false);
      if (fault?.kind === "primary") traffic.exhaust(principal.key, fault.retryAfterSec ?? 3600);
      if (bucket.used >= bucket.limit)
        return send(
          403,
          errorBody(
            "API rate limit exceeded for installation. Check out the documentation for more information.",
          ),
          rateHeaders(bucket),
          false,
        );
      const ctx: RouteCtx = {
        state,
        urls,
        principal,
        app,
        actor: () => (principal.kind === "app" ? `${app.slug}[bot]` : principal.login),
        can(repo, need) {
          const full = `${repo.owner}/${repo.name}`.toLowerCase();
          if (principal.kind === "installation") {
            const repos = app.installations.get(principal.installationId);
            if (repos?.has(full)) return;
            throw new HttpError(404, "Not Found");
          }
          if (principal.kind === "app")
            throw new HttpError(403, "Resource not accessible by integration");
          const perm = repo.collaborators.get(principal.login) ?? "read";
          if (need === "write" && perm === "read")
            throw new HttpError(403, "Must have admin rights to Repository.");
        },
      };
      let reply: Reply;
      try {
        reply = await route(c, ctx);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        reply = { status: err.status, error: err.message };
      }
      bucket.used++;
      if ("error" in reply)
        return send(
          reply.status,
          errorBody(reply.error),
          { ...rateHeaders(bucket), ...reply.headers },
          true,
        );
      let body = reply.body;
      let link: string | undefined;
      if (reply.list && Array.isArray(body)) ({ page: body, link } = paginate(c, body));
      const text = JSON.stringify(body);
      const headers: Record<string, string> = { ...rateHeaders(bucket), ...(link ? { link } : {}) };
      if (method === "GET") {
        const etag = etagOf(text, link);
        headers["etag"] = etag;
        if (c.req.header("if-none-match") === etag) {
          bucket.used--;
          return send(304, null, { ...rateHeaders(bucket), etag }, false);
        }
      }
      return send(reply.status ?? 200, text, headers, true);
    });
  };

  const mintToken = (installationId: number): string => {
    const token = newToken("ghs");
    tokens.set(token, {
      kind: "installation",
      installationId,
      login: `${app.slug}[bot]`,
      key: `installation:${installationId}`,
    });
    return token;
  };
  registerMeta(register, mintToken);
  registerIssues(register);
  registerPulls(register);
  registerChecks(register);
  hono.notFound((c) => c.json({ message: "Not Found" }, 404));

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: hono.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  urls.api = `http://127.0.0.1:${port}${prefix}`;
  return {
    url: urls.api,
    state,
    traffic,
    app,
    webhooks,
    token(login) {
      const u = state.user(login);
      const token = newToken("ghp");
      tokens.set(token, { kind: "user", login: u.login, key: `user:${u.login}` });
      return token;
    },
    fail(f) {
      traffic.faults.push({ times: 1, ...f });
    },
    exchanges: () => [...traffic.log],
    async stop() {
      await webhooks.drain();
      await new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      });
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type { Repo };
