import { startFakeGitHub, type FakeGitHub } from "@nightshift/fake-github";
import { hasMarker } from "@nightshift/github";
import { installPushLog } from "./repos.ts";

export const GH_REPO = "acme/faults";
/** The account the poller and the executors act as. */
export const GH_AGENT = "nightshift-bot";
const GH_USER = "alice";

/** The poller's world: a fake GitHub with one repository whose pushes are logged. */
export interface GitHubWorld {
  gh: FakeGitHub;
  /** The repository's git remote (a bare repository on disk). */
  origin: string;
  /** GITHUB_TOKEN of the agent's account. */
  token: string;
  /** Issues the harness opened (each must become exactly one task). */
  issues: number[];
  /** Opens an issue labelled for nightshift, as a person would. */
  openIssue(): void;
  /** Pull requests per head branch. */
  pullsByBranch(): Map<string, number>;
  /** Status comments per task id (nightshift keeps one per task). */
  statusComments(): Map<string, number>;
  /** Tasks the poller should have made for an issue, by their source attributes. */
  stop(): Promise<void>;
}

export async function startGitHub(): Promise<GitHubWorld> {
  const gh = await startFakeGitHub();
  const repo = await gh.state.createRepo(GH_REPO, {
    files: { "README.md": "# faults\n" },
    collaborators: { [GH_AGENT]: "write", [GH_USER]: "write" },
  });
  await installPushLog(repo.dir);
  const issues: number[] = [];
  return {
    gh,
    origin: repo.dir,
    token: gh.token(GH_AGENT),
    issues,
    openIssue() {
      const n = issues.length + 1;
      const issue = gh.state.openIssue(GH_REPO, {
        title: `Fault suite issue ${n}`,
        body: "Write the effect file.",
        author: GH_USER,
        labels: ["nightshift"],
      });
      issues.push(issue.number);
    },
    pullsByBranch() {
      const out = new Map<string, number>();
      for (const i of gh.state.repo(GH_REPO).issues.values()) {
        if (!i.pull) continue;
        out.set(i.pull.head.ref, (out.get(i.pull.head.ref) ?? 0) + 1);
      }
      return out;
    },
    statusComments() {
      const out = new Map<string, number>();
      for (const c of gh.state.repo(GH_REPO).comments.values()) {
        const task = /nightshift:task=(\S+) kind=status/.exec(c.body)?.[1];
        if (task !== undefined && hasMarker(c.body, { task, kind: "status" }))
          out.set(task, (out.get(task) ?? 0) + 1);
      }
      return out;
    },
    stop: () => gh.stop(),
  };
}
