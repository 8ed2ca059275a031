/** The fake's records; `json*` turn them into the shapes GitHub's REST API returns. */

export interface User {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface PullData {
  head: { ref: string; sha: string };
  base: { ref: string };
  draft: boolean;
  merged: boolean;
}

export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  user: string;
  labels: string[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  pull?: PullData;
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueEvent {
  id: number;
  event: "labeled" | "unlabeled" | "assigned" | "unassigned" | "closed" | "reopened";
  actor: string;
  createdAt: string;
  label?: string;
  assignee?: string;
}

export interface Review {
  id: number;
  pull: number;
  user: string;
  body: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  submittedAt: string;
  commitId: string;
}

export interface ReviewComment {
  id: number;
  review: number;
  pull: number;
  user: string;
  body: string;
  path: string;
  line: number;
}

export interface CheckRun {
  id: number;
  sha: string;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  title?: string;
  summary?: string;
}

export interface CommitStatus {
  id: number;
  sha: string;
  context: string;
  state: "error" | "failure" | "pending" | "success";
  description: string | null;
  createdAt: string;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  /** The bare repository on disk that plays this repository's git remote. */
  dir: string;
  defaultBranch: string;
  collaborators: Map<string, "admin" | "write" | "read">;
  issues: Map<number, Issue>;
  comments: Map<number, Comment>;
  events: Map<number, IssueEvent[]>;
  reviews: Map<number, Review>;
  reviewComments: Map<number, ReviewComment>;
  checkRuns: CheckRun[];
  statuses: CommitStatus[];
}

export function fullName(r: Repo): string {
  return `${r.owner}/${r.name}`;
}

export interface Urls {
  api: string;
  web: string;
}

export function jsonUser(u: User, urls: Urls): Record<string, unknown> {
  return {
    login: u.login,
    id: u.id,
    type: u.type,
    site_admin: false,
    html_url: `${urls.web}/${u.login}`,
    url: `${urls.api}/users/${u.login}`,
  };
}

export function jsonRepo(r: Repo, urls: Urls, owner: User): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    full_name: fullName(r),
    owner: jsonUser(owner, urls),
    private: false,
    default_branch: r.defaultBranch,
    clone_url: r.dir,
    html_url: `${urls.web}/${fullName(r)}`,
    url: `${urls.api}/repos/${fullName(r)}`,
  };
}

export function jsonIssue(
  r: Repo,
  i: Issue,
  urls: Urls,
  user: (login: string) => User,
): Record<string, unknown> {
  const base = `${urls.api}/repos/${fullName(r)}`;
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    user: jsonUser(user(i.user), urls),
    labels: i.labels.map((name) => ({ name, default: false })),
    assignees: i.assignees.map((a) => jsonUser(user(a), urls)),
    assignee: i.assignees[0] ? jsonUser(user(i.assignees[0]), urls) : null,
    comments: [...r.comments.values()].filter((c) => c.issue === i.number).length,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: null,
    url: `${base}/issues/${i.number}`,
    html_url: `${urls.web}/${fullName(r)}/${i.pull ? "pull" : "issues"}/${i.number}`,
    ...(i.pull
      ? {
          pull_request: {
            url: `${base}/pulls/${i.number}`,
            html_url: `${urls.web}/${fullName(r)}/pull/${i.number}`,
          },
        }
      : {}),
  };
}

export function jsonComment(
  r: Repo,
  c: Comment,
  urls: Urls,
  user: (login: string) => User,
): Record<string, unknown> {
  const base = `${urls.api}/repos/${fullName(r)}`;
  return {
    id: c.id,
    body: c.body,
    user: jsonUser(user(c.user), urls),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${base}/issues/${c.issue}`,
    url: `${base}/issues/comments/${c.id}`,
    html_url: `${urls.web}/${fullName(r)}/issues/${c.issue}#issuecomment-${c.id}`,
  };
}

export function jsonPull(
  r: Repo,
  i: Issue,
  urls: Urls,
  user: (login: string) => User,
  mergeable: boolean | null,
  baseSha: string,
): Record<string, unknown> {
  const p = i.pull!;
  const repoRef = { full_name: fullName(r), clone_url: r.dir, name: r.name };
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    state: p.merged ? "closed" : i.state,
    draft: p.draft,
    merged: p.merged,
    user: jsonUser(user(i.user), urls),
    labels: i.labels.map((name) => ({ name })),
    html_url: `${urls.web}/${fullName(r)}/pull/${i.number}`,
    url: `${urls.api}/repos/${fullName(r)}/pulls/${i.number}`,
    head: { ref: p.head.ref, sha: p.head.sha, label: `${r.owner}:${p.head.ref}`, repo: repoRef },
    base: { ref: p.base.ref, sha: baseSha, label: `${r.owner}:${p.base.ref}`, repo: repoRef },
    mergeable,
    mergeable_state: mergeable === null ? "unknown" : mergeable ? "clean" : "dirty",
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}
