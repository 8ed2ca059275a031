import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An issue or pull request as GitHub's REST API lists it (`GET /repos/{o}/{r}/issues`). */
export interface FakeItem {
  number: number;
  title: string;
  labels: string[];
  state?: "open" | "closed";
  pullRequest?: boolean;
}

export interface FakeGithub {
  url: string;
  requests: { path: string; authorization: string | undefined; accept: string | undefined }[];
  /** Answer every request with 403 rate limiting until cleared. */
  rateLimited: boolean;
  close(): Promise<void>;
}

function issueJson(base: string, repo: string, item: FakeItem): Record<string, unknown> {
  const html = `https://github.com/${repo}/${item.pullRequest === true ? "pull" : "issues"}/${item.number}`;
  const api = `${base}/repos/${repo}/issues/${item.number}`;
  return {
    url: api,
    repository_url: `${base}/repos/${repo}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: 1_000_000 + item.number,
    node_id: `I_kwDO${item.number}`,
    number: item.number,
    title: item.title,
    user: { login: "octocat", id: 1, node_id: "MDQ6VXNlcjE=", type: "User", site_admin: false },
    labels: item.labels.map((name, i) => ({
      id: 200 + i,
      node_id: `LA_${i}`,
      url: `${base}/repos/${repo}/labels/${encodeURIComponent(name)}`,
      name,
      color: "f29513",
      default: false,
      description: null,
    })),
    state: item.state ?? "open",
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-02T00:00:00Z",
    closed_at: null,
    author_association: "OWNER",
    active_lock_reason: null,
    body: "details",
    ...(item.pullRequest === true
      ? {
          draft: false,
          pull_request: {
            url: `${base}/repos/${repo}/pulls/${item.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "x-github-api-version-selected": "2022-11-28",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/**
 * A local stand-in for GitHub's "list repository issues" endpoint with its real behaviour:
 * pull requests in the list, `labels`/`state` filters, `per_page`/`page` pagination with a
 * Link header, 401 for a wrong token, 404 for an unknown repository, 403 when rate limited.
 */
export async function startFakeGithub(opts: {
  token: string;
  repos: Record<string, FakeItem[]>;
}): Promise<FakeGithub> {
  const fake: FakeGithub = { url: "", requests: [], rateLimited: false, close: async () => {} };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", fake.url);
    fake.requests.push({
      path: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    if (
      req.headers.authorization !== undefined &&
      req.headers.authorization !== `Bearer ${opts.token}`
    ) {
      send(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
      return;
    }
    if (fake.rateLimited) {
      send(
        res,
        403,
        {
          message: "API rate limit exceeded for user ID 1.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          status: "403",
        },
        {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "1893456000",
        },
      );
      return;
    }
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname);
    const items = m ? opts.repos[m[1]!] : undefined;
    if (req.method !== "GET" || !m || items === undefined) {
      send(res, 404, {
        message: "Not Found",
        documentation_url: "https://docs.github.com/rest/issues/issues#list-repository-issues",
        status: "404",
      });
      return;
    }
    const state = url.searchParams.get("state") ?? "open";
    const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    const page = Number(url.searchParams.get("page") ?? 1);
    const matching = items.filter(
      (i) =>
        (state === "all" || (i.state ?? "open") === state) &&
        labels.every((l) => i.labels.includes(l)),
    );
    const pages = Math.max(1, Math.ceil(matching.length / perPage));
    const headers: Record<string, string> = {};
    if (page < pages) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      const last = new URL(url);
      last.searchParams.set("page", String(pages));
      headers["link"] = `<${next.toString()}>; rel="next", <${last.toString()}>; rel="last"`;
    }
    send(
      res,
      200,
      matching
        .slice((page - 1) * perPage, page * perPage)
        .map((i) => issueJson(fake.url, m[1]!, i)),
      headers,
    );
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
