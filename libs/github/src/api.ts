import { z } from "zod";
import { GitHubError } from "./errors.ts";
import { nextLink } from "./links.ts";
import type { GitHubConnector, GitHubRequest } from "./octokit.ts";
import {
  GhCheckRuns,
  GhComment,
  GhCombinedStatus,
  GhIssue,
  GhIssueEvent,
  GhPermission,
  GhPull,
  GhRepo,
  GhReview,
  GhReviewComment,
  type GhCheckRun,
} from "./schemas.ts";

/** The answer to a conditional request: unchanged since `etag`, or new data and its ETag. */
export type Conditional<T> =
  { notModified: true } | { notModified: false; data: T; etag: string | undefined };

/** Pages followed at most for one listing (100 items each). */
const MAX_PAGES = 20;

function split(repo: string): { owner: string; repo: string } {
  const [owner = "", name = ""] = repo.split("/");
  return { owner, repo: name };
}

function parse<T>(schema: z.ZodType<T>, data: unknown, route: string): T {
  const r = schema.safeParse(data);
  if (!r.success)
    throw new GitHubError(
      200,
      route,
      `GitHub ${route}: unexpected answer: ${r.error.issues[0]?.message ?? "invalid"}`,
      "PERMANENT",
    );
  return r.data;
}

/**
 * The REST calls nightshift makes, each validated. Listings follow `Link` pages;
 * `*Conditional` calls send `If-None-Match`, and a 304 (which GitHub does not count
 * against the rate limit) comes back as `notModified`.
 */
export class GitHubApi {
  readonly #connector: GitHubConnector;

  constructor(connector: GitHubConnector) {
    this.#connector = connector;
  }

  login(): Promise<string> {
    return this.#connector.login();
  }

  #req(repo: string): Promise<GitHubRequest> {
    return this.#connector.requestFor(repo);
  }

  async #get<T>(repo: string, route: string, params: object, schema: z.ZodType<T>): Promise<T> {
    const req = await this.#req(repo);
    const res = await req(route, { ...split(repo), ...params });
    return parse(schema, res.data, route);
  }

  async #conditional<T>(
    repo: string,
    route: string,
    params: object,
    etag: string | undefined,
    pick: (data: unknown) => unknown,
    schema: z.ZodType<T>,
    paginate: boolean,
  ): Promise<Conditional<T[]>> {
    const req = await this.#req(repo);
    const res = await req(route, {
      ...split(repo),
      per_page: 100,
      ...params,
      ...(etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
    });
    if (res.status === 304) return { notModified: true };
    const items = parse(z.array(schema), pick(res.data), route);
    let next = paginate ? nextLink(res.headers["link"]) : undefined;
    for (let page = 1; next !== undefined && page < MAX_PAGES; page++) {
      const more = await req(`GET ${next}`);
      items.push(...parse(z.array(schema), pick(more.data), route));
      next = nextLink(more.headers["link"]);
    }
    return { notModified: false, data: items, etag: res.headers["etag"] };
  }

  async #list<T>(repo: string, route: string, params: object, schema: z.ZodType<T>): Promise<T[]> {
    const r = await this.#conditional(repo, route, params, undefined, (d) => d, schema, true);
    return r.notModified ? [] : r.data;
  }

  repo(repo: string): Promise<GhRepo> {
    return this.#get(repo, "GET /repos/{owner}/{repo}", {}, GhRepo);
  }

  /** Issues and pull requests updated at or after `since`, oldest first. */
  issuesSince(
    repo: string,
    since: string | undefined,
    etag?: string,
    state: "open" | "all" = "all",
  ): Promise<Conditional<GhIssue[]>> {
    return this.#conditional(
      repo,
      "GET /repos/{owner}/{repo}/issues",
      { state, sort: "updated", direction: "asc", ...(since ? { since } : {}) },
      etag,
      (d) => d,
      GhIssue,
      true,
    );
  }

  issue(repo: string, n: number): Promise<GhIssue> {
    return this.#get(
      repo,
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
      { issue_number: n },
      GhIssue,
    );
  }

  issueEvents(repo: string, n: number): Promise<GhIssueEvent[]> {
    return this.#list(
      repo,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
      { issue_number: n },
      GhIssueEvent,
    );
  }

  issueComments(repo: string, n: number): Promise<GhComment[]> {
    return this.#list(
      repo,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { issue_number: n },
      GhComment,
    );
  }

  /** Comments on every issue and pull request of the repository, updated at or after `since`. */
  commentsSince(repo: string, since: string): Promise<GhComment[]> {
    return this.#list(
      repo,
      "GET /repos/{owner}/{repo}/issues/comments",
      { since, sort: "updated", direction: "asc" },
      GhComment,
    );
  }

  async pull(repo: string, n: number, etag?: string): Promise<Conditional<GhPull>> {
    const req = await this.#req(repo);
    const route = "GET /repos/{owner}/{repo}/pulls/{pull_number}";
    const res = await req(route, {
      ...split(repo),
      pull_number: n,
      ...(etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
    });
    if (res.status === 304) return { notModified: true };
    return { notModified: false, data: parse(GhPull, res.data, route), etag: res.headers["etag"] };
  }

  pullsByHead(repo: string, head: string, state: "open" | "all" = "open"): Promise<GhPull[]> {
    return this.#list(repo, "GET /repos/{owner}/{repo}/pulls", { head, state }, GhPull);
  }

  openPulls(repo: string): Promise<GhPull[]> {
    return this.#list(repo, "GET /repos/{owner}/{repo}/pulls", { state: "open" }, GhPull);
  }

  reviews(repo: string, n: number): Promise<GhReview[]> {
    return this.#list(
      repo,
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      { pull_number: n },
      GhReview,
    );
  }

  reviewComments(repo: string, n: number, reviewId: number): Promise<GhReviewComment[]> {
    return this.#list(
      repo,
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments",
      { pull_number: n, review_id: reviewId },
      GhReviewComment,
    );
  }

  checkRuns(repo: string, sha: string, etag?: string): Promise<Conditional<GhCheckRun[]>> {
    return this.#conditional(
      repo,
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      { ref: sha },
      etag,
      (d) => parse(GhCheckRuns, d, "check-runs").check_runs,
      GhCheckRuns.shape.check_runs.element,
      true,
    );
  }

  async combinedStatus(
    repo: string,
    sha: string,
    etag?: string,
  ): Promise<Conditional<GhCombinedStatus>> {
    const req = await this.#req(repo);
    const route = "GET /repos/{owner}/{repo}/commits/{ref}/status";
    const res = await req(route, {
      ...split(repo),
      ref: sha,
      per_page: 100,
      ...(etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
    });
    if (res.status === 304) return { notModified: true };
    return {
      notModified: false,
      data: parse(GhCombinedStatus, res.data, route),
      etag: res.headers["etag"],
    };
  }

  /** The user's permission on the repository: `admin`, `write`, `read` or `none`. */
  async permission(repo: string, user: string): Promise<string> {
    try {
      const p = await this.#get(
        repo,
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        { username: user },
        GhPermission,
      );
      return p.permission;
    } catch (err) {
      if (err instanceof GitHubError && err.status === 404) return "none";
      throw err;
    }
  }

  async createComment(repo: string, n: number, body: string): Promise<GhComment> {
    const req = await this.#req(repo);
    const route = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
    const res = await req(route, { ...split(repo), issue_number: n, body });
    return parse(GhComment, res.data, route);
  }

  async updateComment(repo: string, id: number, body: string): Promise<GhComment> {
    const req = await this.#req(repo);
    const route = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
    const res = await req(route, { ...split(repo), comment_id: id, body });
    return parse(GhComment, res.data, route);
  }

  async addLabels(repo: string, n: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    const req = await this.#req(repo);
    await req("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      ...split(repo),
      issue_number: n,
      labels,
    });
  }

  /** Removes a label; a label the issue does not carry is not an error. */
  async removeLabel(repo: string, n: number, label: string): Promise<void> {
    const req = await this.#req(repo);
    try {
      await req("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
        ...split(repo),
        issue_number: n,
        name: label,
      });
    } catch (err) {
      if (!(err instanceof GitHubError && err.status === 404)) throw err;
    }
  }

  async createPull(
    repo: string,
    p: { title: string; head: string; base: string; body: string; draft: boolean },
  ): Promise<GhPull> {
    const req = await this.#req(repo);
    const route = "POST /repos/{owner}/{repo}/pulls";
    const res = await req(route, { ...split(repo), ...p });
    return parse(GhPull, res.data, route);
  }

  async updatePull(repo: string, n: number, p: { title?: string; body?: string }): Promise<GhPull> {
    const req = await this.#req(repo);
    const route = "PATCH /repos/{owner}/{repo}/pulls/{pull_number}";
    const res = await req(route, { ...split(repo), pull_number: n, ...p });
    return parse(GhPull, res.data, route);
  }
}
