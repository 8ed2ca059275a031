import { branches, commitFiles } from "./git-remote.ts";
import type { CheckRun, CommitStatus, Issue, Repo, Review } from "./model.ts";
import { IssueState, now } from "./state.ts";

/**
 * Everything the fake GitHub knows, and the actions people take on it. Tests drive it
 * like users would (open an issue, label it, push, review, fail a check); the REST routes
 * read and write the same state.
 */
export class FakeGitHubState extends IssueState {
  /** Commits files on a branch of the repository's git remote, as a push would. */
  async push(
    full: string,
    branch: string,
    files: Record<string, string>,
    message = "change",
  ): Promise<string> {
    const r = this.repo(full);
    const sha = await commitFiles(r.dir, branch, files, message, r.defaultBranch);
    await this.syncHeads(r);
    return sha;
  }

  async openPull(
    full: string,
    o: {
      title: string;
      body?: string;
      author: string;
      head: string;
      base?: string;
      draft?: boolean;
      labels?: string[];
    },
  ): Promise<Issue> {
    const r = this.repo(full);
    const heads = await branches(r.dir);
    const sha = heads.get(o.head);
    if (!sha) throw new Error(`no branch ${o.head} in ${full}`);
    const issue = this.openIssue(full, {
      title: o.title,
      author: o.author,
      ...(o.body !== undefined ? { body: o.body } : {}),
    });
    issue.pull = {
      head: { ref: o.head, sha },
      base: { ref: o.base ?? r.defaultBranch },
      draft: o.draft ?? false,
      merged: false,
    };
    for (const l of o.labels ?? []) this.addLabel(full, issue.number, l, o.author);
    return issue;
  }

  /** Notices pushes to pull request heads made through git (a synchronize). */
  async syncHeads(r: Repo): Promise<void> {
    const open = [...r.issues.values()].filter((i) => i.pull && i.state === "open");
    if (open.length === 0) return;
    const heads = await branches(r.dir);
    for (const i of open) {
      const sha = heads.get(i.pull!.head.ref);
      if (sha && sha !== i.pull!.head.sha) {
        i.pull!.head.sha = sha;
        this.touch(i);
      }
    }
  }

  review(
    full: string,
    n: number,
    o: {
      author: string;
      state: Review["state"];
      body?: string;
      comments?: { path: string; line: number; body: string }[];
    },
  ): Review {
    const r = this.repo(full);
    const i = this.issue(full, n);
    this.user(o.author);
    const rv: Review = {
      id: this.nextId(),
      pull: n,
      user: o.author,
      body: o.body ?? "",
      state: o.state,
      submittedAt: now(),
      commitId: i.pull?.head.sha ?? "",
    };
    r.reviews.set(rv.id, rv);
    for (const c of o.comments ?? []) {
      const id = this.nextId();
      r.reviewComments.set(id, { id, review: rv.id, pull: n, user: o.author, ...c });
    }
    this.touch(i);
    this.emit({
      event: "pull_request_review",
      action: "submitted",
      repo: r,
      sender: o.author,
      issue: i,
      review: rv,
    });
    return rv;
  }

  checkRun(
    full: string,
    sha: string,
    o: {
      name: string;
      status?: CheckRun["status"];
      conclusion?: string | null;
      title?: string;
      summary?: string;
    },
  ): CheckRun {
    const r = this.repo(full);
    const existing = r.checkRuns.find((c) => c.sha === sha && c.name === o.name);
    const run: CheckRun = existing ?? {
      id: this.nextId(),
      sha,
      name: o.name,
      status: "queued",
      conclusion: null,
    };
    run.status = o.status ?? (o.conclusion ? "completed" : "in_progress");
    run.conclusion = o.conclusion ?? null;
    if (o.title !== undefined) run.title = o.title;
    if (o.summary !== undefined) run.summary = o.summary;
    if (!existing) r.checkRuns.push(run);
    this.emit({
      event: "check_run",
      action: run.status === "completed" ? "completed" : "created",
      repo: r,
      sender: r.owner,
      checkRun: run,
    });
    return run;
  }

  status(
    full: string,
    sha: string,
    o: { context: string; state: CommitStatus["state"]; description?: string },
  ): CommitStatus {
    const r = this.repo(full);
    const s: CommitStatus = {
      id: this.nextId(),
      sha,
      context: o.context,
      state: o.state,
      description: o.description ?? null,
      createdAt: now(),
    };
    r.statuses.push(s);
    this.emit({ event: "status", repo: r, sender: r.owner, status: s });
    return s;
  }
}
