import { createBareRepo } from "./git-remote.ts";
import type {
  CheckRun,
  Comment,
  CommitStatus,
  Issue,
  IssueEvent,
  Repo,
  Review,
  User,
} from "./model.ts";

/** A webhook the fake would send: event name and payload builder input. */
export interface Happening {
  event: string;
  action?: string;
  repo: Repo;
  sender: string;
  issue?: Issue;
  comment?: Comment;
  label?: string;
  review?: Review;
  checkRun?: CheckRun;
  status?: CommitStatus;
}

/** GitHub's timestamps have whole seconds. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Users, repositories, issues, comments and labels of the fake GitHub, and the actions
 * people take on them (pull requests, reviews and checks are in `FakeGitHubState`). Tests drive it
 * like users would (open an issue, label it, comment, review, fail a check); the REST
 * routes read and write the same state.
 */
export class IssueState {
  readonly users = new Map<string, User>();
  readonly repos = new Map<string, Repo>();
  readonly root: string;
  #id = 1000;
  protected readonly emit: (h: Happening) => void;

  constructor(root: string, onHappening: (h: Happening) => void) {
    this.root = root;
    this.emit = onHappening;
  }

  nextId(): number {
    return ++this.#id;
  }

  user(login: string): User {
    let u = this.users.get(login);
    if (!u) {
      u = { login, id: this.nextId(), type: login.endsWith("[bot]") ? "Bot" : "User" };
      this.users.set(login, u);
    }
    return u;
  }

  addUser(login: string, type: User["type"] = "User"): User {
    const u = { login, id: this.nextId(), type };
    this.users.set(login, u);
    return u;
  }

  repo(full: string): Repo {
    const r = this.repos.get(full.toLowerCase());
    if (!r) throw new Error(`fake GitHub has no repository ${full}`);
    return r;
  }

  async createRepo(
    full: string,
    opts: {
      files?: Record<string, string>;
      defaultBranch?: string;
      collaborators?: Record<string, "admin" | "write" | "read">;
    } = {},
  ): Promise<Repo> {
    const [owner = "", name = ""] = full.split("/");
    const branch = opts.defaultBranch ?? "main";
    const dir = await createBareRepo(
      this.root,
      full,
      opts.files ?? { "README.md": "# repo\n" },
      branch,
    );
    this.user(owner);
    const repo: Repo = {
      id: this.nextId(),
      owner,
      name,
      dir,
      defaultBranch: branch,
      collaborators: new Map([[owner, "admin"]]),
      issues: new Map(),
      comments: new Map(),
      events: new Map(),
      reviews: new Map(),
      reviewComments: new Map(),
      checkRuns: [],
      statuses: [],
    };
    for (const [login, perm] of Object.entries(opts.collaborators ?? {})) {
      this.user(login);
      repo.collaborators.set(login, perm);
    }
    this.repos.set(full.toLowerCase(), repo);
    return repo;
  }

  issue(full: string, n: number): Issue {
    const i = this.repo(full).issues.get(n);
    if (!i) throw new Error(`no issue ${full}#${n}`);
    return i;
  }

  protected touch(i: Issue): void {
    i.updatedAt = now();
  }

  protected event(r: Repo, i: Issue, e: Omit<IssueEvent, "id" | "createdAt">): void {
    const list = r.events.get(i.number) ?? [];
    list.push({ id: this.nextId(), createdAt: now(), ...e });
    r.events.set(i.number, list);
  }

  openIssue(
    full: string,
    o: { title: string; body?: string; author: string; labels?: string[]; assignees?: string[] },
  ): Issue {
    const r = this.repo(full);
    this.user(o.author);
    const n = r.issues.size + 1;
    const at = now();
    const issue: Issue = {
      id: this.nextId(),
      number: n,
      title: o.title,
      body: o.body ?? null,
      state: "open",
      user: o.author,
      labels: [],
      assignees: [],
      createdAt: at,
      updatedAt: at,
    };
    r.issues.set(n, issue);
    this.emit({ event: "issues", action: "opened", repo: r, sender: o.author, issue });
    for (const l of o.labels ?? []) this.addLabel(full, n, l, o.author);
    for (const a of o.assignees ?? []) this.assign(full, n, a, o.author);
    return issue;
  }

  addLabel(full: string, n: number, label: string, actor: string): void {
    const r = this.repo(full);
    const i = this.issue(full, n);
    if (i.labels.includes(label)) return;
    i.labels.push(label);
    this.event(r, i, { event: "labeled", actor, label });
    this.touch(i);
    this.emit({
      event: i.pull ? "pull_request" : "issues",
      action: "labeled",
      repo: r,
      sender: actor,
      issue: i,
      label,
    });
  }

  removeLabel(full: string, n: number, label: string, actor: string): boolean {
    const r = this.repo(full);
    const i = this.issue(full, n);
    if (!i.labels.includes(label)) return false;
    i.labels = i.labels.filter((l) => l !== label);
    this.event(r, i, { event: "unlabeled", actor, label });
    this.touch(i);
    return true;
  }

  assign(full: string, n: number, assignee: string, actor: string): void {
    const r = this.repo(full);
    const i = this.issue(full, n);
    this.user(assignee);
    if (!i.assignees.includes(assignee)) i.assignees.push(assignee);
    this.event(r, i, { event: "assigned", actor, assignee });
    this.touch(i);
    this.emit({ event: "issues", action: "assigned", repo: r, sender: actor, issue: i });
  }

  editIssue(full: string, n: number, edit: { title?: string; body?: string }, actor: string): void {
    const r = this.repo(full);
    const i = this.issue(full, n);
    if (edit.title !== undefined) i.title = edit.title;
    if (edit.body !== undefined) i.body = edit.body;
    this.touch(i);
    this.emit({ event: "issues", action: "edited", repo: r, sender: actor, issue: i });
  }

  closeIssue(full: string, n: number, actor: string): void {
    const r = this.repo(full);
    const i = this.issue(full, n);
    i.state = "closed";
    this.event(r, i, { event: "closed", actor });
    this.touch(i);
  }

  comment(full: string, n: number, author: string, body: string): Comment {
    const r = this.repo(full);
    const i = this.issue(full, n);
    this.user(author);
    const at = now();
    const c: Comment = {
      id: this.nextId(),
      issue: n,
      body,
      user: author,
      createdAt: at,
      updatedAt: at,
    };
    r.comments.set(c.id, c);
    this.touch(i);
    this.emit({
      event: "issue_comment",
      action: "created",
      repo: r,
      sender: author,
      issue: i,
      comment: c,
    });
    return c;
  }

  editComment(full: string, id: number, body: string): Comment {
    const r = this.repo(full);
    const c = r.comments.get(id);
    if (!c) throw new Error(`no comment ${id}`);
    c.body = body;
    c.updatedAt = now();
    const i = r.issues.get(c.issue);
    if (i) this.touch(i);
    return c;
  }
}
