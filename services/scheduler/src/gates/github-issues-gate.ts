import type { GithubIssuesGate } from "@nightshift/config";
import { z } from "zod";
import type { GateContext, GateResult } from "./gate.ts";

const MAX_PAGES = 10;

/** The fields we read of GitHub's issue objects; pull requests carry `pull_request`. */
const IssueList = z.array(
  z.looseObject({
    number: z.number().int(),
    pull_request: z.unknown().optional(),
  }),
);

function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

async function describeFailure(res: Response): Promise<string> {
  let message = res.statusText;
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === "string") message = body.message;
  } catch {
    // not JSON
  }
  if (
    (res.status === 403 || res.status === 429) &&
    res.headers.get("x-ratelimit-remaining") === "0"
  ) {
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    const when = Number.isFinite(reset) ? ` until ${new Date(reset * 1000).toISOString()}` : "";
    return `GitHub API rate limit exceeded${when}: ${message}`;
  }
  return `GitHub API answered ${res.status}: ${message}`;
}

/**
 * Asks GitHub's REST API whether `repo` has an open issue labelled `label`. The issues list
 * also returns pull requests (they carry `pull_request`); those do not count. Pages are
 * followed only until the first real issue.
 */
export async function evaluateGithubIssuesGate(
  gate: GithubIssuesGate,
  ctx: GateContext,
  timeoutMs = 15_000,
): Promise<GateResult> {
  const base = ctx.githubApiUrl.replace(/\/+$/, "");
  let url: string | undefined =
    `${base}/repos/${gate.repo}/issues?state=open&labels=${encodeURIComponent(gate.label)}&per_page=100`;
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    "user-agent": "nightshift-scheduler",
  };
  if (ctx.githubToken !== undefined) headers["authorization"] = `Bearer ${ctx.githubToken}`;
  for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      return {
        pass: false,
        error: true,
        detail: `GitHub API unreachable: ${(err as Error).message}`,
      };
    }
    if (res.status !== 200) return { pass: false, error: true, detail: await describeFailure(res) };
    const items = IssueList.safeParse(await res.json().catch(() => undefined));
    if (!items.success) {
      return {
        pass: false,
        error: true,
        detail: "GitHub API returned something other than a list of issues",
      };
    }
    const issue = items.data.find((i) => i.pull_request === undefined);
    if (issue) {
      return {
        pass: true,
        detail: `open issue #${issue.number} labelled "${gate.label}" in ${gate.repo}`,
      };
    }
    url = nextLink(res.headers.get("link"));
  }
  if (url !== undefined) {
    return {
      pass: false,
      error: true,
      detail: `gave up after ${MAX_PAGES} pages of pull requests labelled "${gate.label}" in ${gate.repo}`,
    };
  }
  return {
    pass: false,
    error: false,
    detail: `no open issues labelled "${gate.label}" in ${gate.repo}`,
  };
}
