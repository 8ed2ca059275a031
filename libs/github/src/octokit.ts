import Bottleneck from "bottleneck";
import { App, Octokit, RequestError } from "octokit";
import { coerceError, NightshiftError } from "@nightshift/errors";
import type { GitHubAuth } from "./auth.ts";
import { GitHubError, GitHubRateLimitError } from "./errors.ts";

/** One answer of the REST API, with lower-cased header names. */
export interface GitHubResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

/** `route` is `"GET /repos/{owner}/{repo}"` or `"GET <absolute URL>"` (a `Link` header's next page). */
export type GitHubRequest = (
  route: string,
  params?: Record<string, unknown>,
) => Promise<GitHubResponse>;

/** One HTTP exchange with GitHub, reported for metrics and measurements. */
export interface GitHubExchange {
  method: string;
  url: string;
  status: number;
  /** `x-ratelimit-remaining` of the answer, when present. */
  remaining?: number;
}

export interface ConnectorOptions {
  auth: GitHubAuth;
  apiUrl: string;
  timeoutMs: number;
  /** Octokit's retries of server errors. */
  retries: number;
  /** A rate-limit wait up to this long happens in-process (once); longer ones throw. */
  maxRateLimitWaitMs: number;
  writeSpacingMs: number;
  contentSpacingMs: number;
  /** Fixed agent login, skipping the lookup. */
  login?: string | undefined;
  /** App only: the installation to use for every repository. */
  installationId?: number | undefined;
  onExchange?: (e: GitHubExchange) => void;
}

/** Authenticated access to GitHub per repository (one App installation may not cover all). */
export interface GitHubConnector {
  requestFor(repo: string): Promise<GitHubRequest>;
  /** The agent's own login: the token's user, or `<app-slug>[bot]` for an App. */
  login(): Promise<string>;
  /** A token that can push to `repo` (the personal token, or an installation token). */
  token(repo: string): Promise<string>;
}

type AnyOctokit = InstanceType<typeof Octokit>;

function headersOf(h: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h ?? {}))
    out[k.toLowerCase()] =
      typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  return out;
}

/** Maps whatever octokit threw to our error classes; the only place that knows octokit's. */
export function mapGitHubError(err: unknown, route: string): Error {
  if (err instanceof NightshiftError) return err;
  if (!(err instanceof RequestError)) {
    const e = coerceError(err);
    return new GitHubError(0, route, `GitHub ${route}: ${e.message}`, "RETRYABLE", { cause: e });
  }
  const status = err.status;
  const h = headersOf(err.response?.headers);
  const msg = (err.response?.data as { message?: unknown } | undefined)?.message;
  const text = typeof msg === "string" ? msg : err.message;
  if (status === 403 || status === 429) {
    if (/secondary rate/i.test(text) || h["retry-after"] !== undefined) {
      const after = Number(h["retry-after"] ?? 60) * 1000;
      return new GitHubRateLimitError(route, "secondary", after, { cause: err });
    }
    if (h["x-ratelimit-remaining"] === "0") {
      const reset = Number(h["x-ratelimit-reset"] ?? 0) * 1000;
      return new GitHubRateLimitError(route, "primary", Math.max(1000, reset - Date.now()), {
        cause: err,
      });
    }
  }
  const code =
    status === 404
      ? "NOT_FOUND"
      : status === 409 || status === 422
        ? "CONFLICT"
        : status >= 500 || status === 0
          ? "RETRYABLE"
          : "PERMANENT";
  return new GitHubError(status, route, `GitHub ${route}: ${status} ${text}`, code, { cause: err });
}

function octokitClass(o: ConnectorOptions): typeof Octokit {
  const limit = (retryAfter: number, _opts: unknown, _o: unknown, retryCount: number): boolean =>
    retryCount < 1 && retryAfter * 1000 <= o.maxRateLimitWaitMs;
  const fetchWithTimeout: typeof fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const res = await fetch(input, { ...init, signal });
    const remaining = res.headers.get("x-ratelimit-remaining");
    o.onExchange?.({
      method: init?.method ?? "GET",
      url: typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      status: res.status,
      ...(remaining !== null ? { remaining: Number(remaining) } : {}),
    });
    return res;
  };
  return Octokit.defaults({
    baseUrl: o.apiUrl.replace(/\/+$/, ""),
    request: { fetch: fetchWithTimeout },
    retry: { retries: o.retries, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: limit,
      onSecondaryRateLimit: limit,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: o.writeSpacingMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: o.contentSpacingMs }),
    },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
}

function requester(octokit: AnyOctokit): GitHubRequest {
  return async (route, params = {}) => {
    try {
      // A fresh `request` object per call: octokit's retry plugins count retries on it, and
      // without one they share the defaults' object, so every later retry waits longer.
      const res = await octokit.request(route, { ...params, request: {} });
      return { status: res.status, headers: headersOf(res.headers), data: res.data };
    } catch (err) {
      if (err instanceof RequestError && err.status === 304)
        return { status: 304, headers: headersOf(err.response?.headers), data: undefined };
      throw mapGitHubError(err, route.replace(/\?.*$/, ""));
    }
  };
}

/** Builds the GitHub access for a personal token or a GitHub App. */
export function createConnector(o: ConnectorOptions): GitHubConnector {
  const Kit = octokitClass(o);
  if (o.auth.kind === "token") {
    const token = o.auth.token;
    const request = requester(new Kit({ auth: token }));
    let login: Promise<string> | undefined;
    return {
      requestFor: () => Promise.resolve(request),
      login() {
        if (o.login !== undefined) return Promise.resolve(o.login);
        login ??= request("GET /user").then((r) => String((r.data as { login: string }).login));
        login.catch(() => (login = undefined));
        return login;
      },
      token: () => Promise.resolve(token),
    };
  }
  const app = new App({ appId: o.auth.appId, privateKey: o.auth.privateKey, Octokit: Kit });
  const appRequest = requester(app.octokit);
  const installations = new Map<string, Promise<number>>();
  const kits = new Map<number, Promise<AnyOctokit>>();
  const installationOf = (repo: string): Promise<number> => {
    if (o.installationId !== undefined) return Promise.resolve(o.installationId);
    let p = installations.get(repo);
    if (!p) {
      const [owner, name] = repo.split("/");
      p = appRequest("GET /repos/{owner}/{repo}/installation", { owner, repo: name }).then((r) =>
        Number((r.data as { id: number }).id),
      );
      p.catch(() => installations.delete(repo));
      installations.set(repo, p);
    }
    return p;
  };
  const kitFor = async (repo: string): Promise<AnyOctokit> => {
    const id = await installationOf(repo);
    let k = kits.get(id);
    if (!k) {
      k = app.getInstallationOctokit(id).catch((err: unknown) => {
        kits.delete(id);
        throw mapGitHubError(err, "POST /app/installations/{id}/access_tokens");
      });
      kits.set(id, k);
    }
    return k;
  };
  let login: Promise<string> | undefined;
  return {
    requestFor: async (repo) => requester(await kitFor(repo)),
    login() {
      if (o.login !== undefined) return Promise.resolve(o.login);
      login ??= appRequest("GET /app").then((r) => `${(r.data as { slug: string }).slug}[bot]`);
      login.catch(() => (login = undefined));
      return login;
    },
    async token(repo) {
      const kit = await kitFor(repo);
      const auth = (await kit.auth({ type: "installation" })) as { token: string };
      return auth.token;
    },
  };
}
