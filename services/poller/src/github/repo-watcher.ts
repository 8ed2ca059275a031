import { coerceError } from "@nightshift/errors";
import type { GhIssue } from "@nightshift/github";
import type { KV } from "@nightshift/messaging";
import { CursorKeys, kvSafe } from "../kv-keys.ts";
import { commentTrigger } from "./comment-triggers.ts";
import type { GitHubSourceContext } from "./context.ts";
import { CursorStore, RepoCursor } from "./cursor.ts";
import { issueTriggers } from "./issue-triggers.ts";
import { pullTriggers, watched } from "./pull-triggers.ts";

/**
 * Polls one repository. Each tick costs one conditional request for the whole issue and
 * pull request listing (a 304 when nothing changed) plus three conditional requests per
 * watched pull request (its head, checks and statuses). The cursor, with the ETags, is
 * written only after every trigger found was published and acknowledged.
 */
export class GitHubRepoWatcher {
  readonly id: string;
  readonly ctx: GitHubSourceContext;
  readonly #cursor: CursorStore<RepoCursor>;

  constructor(ctx: GitHubSourceContext, kv: KV) {
    this.ctx = ctx;
    this.id = `github.${kvSafe(ctx.repo)}`;
    this.#cursor = new CursorStore(kv, CursorKeys.source(this.id), RepoCursor, () => ({
      v: 1,
      pulls: {},
    }));
  }

  /** Open pull requests this watcher follows, with their head commits. */
  async watchedPulls(): Promise<Map<number, string>> {
    const { value } = await this.#cursor.load();
    return new Map(Object.entries(value.pulls).map(([n, p]) => [Number(n), p.sha]));
  }

  async poll(): Promise<void> {
    const { api, repo, log } = this.ctx;
    const { value: cur, revision } = await this.#cursor.load();
    const first = cur.since === undefined;
    let ok = true;
    const fresh = new Set<number>();
    const etagOf = (e: string | undefined): string | undefined =>
      this.ctx.conditional ? e : undefined;
    const res = await api.issuesSince(repo, cur.since, etagOf(cur.etag), first ? "open" : "all");
    if (!res.notModified) {
      let newest = cur.since;
      for (const issue of res.data) {
        try {
          if (await this.#item(issue, cur)) fresh.add(issue.number);
        } catch (err) {
          ok = false;
          log.warn(
            { err: coerceError(err), issue: issue.number },
            "issue not handled; retried next poll",
          );
        }
        if (newest === undefined || issue.updated_at > newest) newest = issue.updated_at;
      }
      if (this.ctx.cfg.mentions) {
        if (cur.commentsSince === undefined) {
          // First start: only comments from now on; old mentions were never meant for us.
          cur.commentsSince = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        } else {
          let latest = cur.commentsSince;
          for (const c of await api.commentsSince(repo, cur.commentsSince)) {
            try {
              await commentTrigger(this.ctx, c);
            } catch (err) {
              ok = false;
              log.warn(
                { err: coerceError(err), comment: c.id },
                "comment not handled; retried next poll",
              );
            }
            if (c.updated_at > latest) latest = c.updated_at;
          }
          if (ok) cur.commentsSince = latest;
        }
      }
      if (ok) {
        cur.etag = newest === cur.since ? res.etag : undefined;
        if (newest !== undefined) cur.since = newest;
      }
    }
    for (const num of Object.keys(cur.pulls)) {
      if (fresh.has(Number(num))) continue;
      try {
        await this.#pull(Number(num), cur);
      } catch (err) {
        log.warn(
          { err: coerceError(err), pull: num },
          "pull request not checked; retried next poll",
        );
      }
    }
    if ((await this.#cursor.save(cur, revision)) === undefined)
      log.warn({ source: this.id }, "cursor changed under us (another leader?): not saved");
  }

  /** Handles one changed issue or pull request; true when it was a watched pull request. */
  async #item(issue: GhIssue, cur: RepoCursor): Promise<boolean> {
    const { api, repo } = this.ctx;
    if (!issue.pull_request) {
      await issueTriggers(this.ctx, issue);
      return false;
    }
    const pull = await api.pull(repo, issue.number);
    if (pull.notModified) return false;
    const pr = pull.data;
    if (!(await watched(this.ctx, pr))) {
      delete cur.pulls[String(pr.number)];
      return false;
    }
    await pullTriggers(this.ctx, pr);
    cur.pulls[String(pr.number)] = { sha: pr.head.sha };
    return true;
  }

  /** A watched pull request's head, checks and statuses, each asked conditionally. */
  async #pull(n: number, cur: RepoCursor): Promise<void> {
    const { api, repo } = this.ctx;
    const known = cur.pulls[String(n)];
    if (!known) return;
    const cond = this.ctx.conditional;
    const pull = await api.pull(repo, n, cond ? known.pullEtag : undefined);
    if (!pull.notModified && pull.data.state !== "open") {
      delete cur.pulls[String(n)];
      return;
    }
    const sha = pull.notModified ? known.sha : pull.data.head.sha;
    const moved = sha !== known.sha;
    const runs = await api.checkRuns(repo, sha, moved || !cond ? undefined : known.runsEtag);
    const status = await api.combinedStatus(
      repo,
      sha,
      moved || !cond ? undefined : known.statusEtag,
    );
    if (!pull.notModified || !runs.notModified || !status.notModified) {
      const pr = pull.notModified ? await api.pull(repo, n) : pull;
      if (pr.notModified) return;
      await pullTriggers(this.ctx, pr.data, {
        ...(runs.notModified ? {} : { runs: runs.data }),
        ...(status.notModified ? {} : { status: status.data }),
      });
    }
    cur.pulls[String(n)] = {
      sha,
      ...etag("pullEtag", pull.notModified ? known.pullEtag : pull.etag),
      ...etag("runsEtag", runs.notModified ? known.runsEtag : runs.etag),
      ...etag("statusEtag", status.notModified ? known.statusEtag : status.etag),
    };
  }
}

function etag<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
