import { startFakeGitHub, type FakeGitHub } from "@nightshift/fake-github";
import type { Bus } from "@nightshift/messaging";
import { startService } from "./services.ts";
import { sampleUntilTasks, type UnderLoad } from "./until-tasks.ts";

const AGENT = "nightshift-bot";

export interface PollerLoad {
  repos: number;
  /** Open issues per repository, each labelled `nightshift` by a collaborator. */
  issuesPerRepo: number;
  /** The agent's own pull requests per repository, each with a failing check. */
  pullsPerRepo: number;
  /** How long sampling goes on after the last task exists, while status comments are written. */
  afterMs: number;
}

async function populate(gh: FakeGitHub, load: PollerLoad): Promise<string[]> {
  const repos = Array.from({ length: load.repos }, (_, r) => `bench/repo-${r}`);
  for (const repo of repos) {
    await gh.state.createRepo(repo, {
      files: { "README.md": "# bench\n" },
      collaborators: { [AGENT]: "write", alice: "write", bob: "write" },
    });
    for (let i = 0; i < load.issuesPerRepo; i++)
      gh.state.openIssue(repo, {
        title: `Fix bug ${i}`,
        body: `Steps to reproduce bug ${i}:\n\n1. open the app\n2. click the button\n\nExpected: it works.`,
        author: i % 2 === 0 ? "alice" : "bob",
        labels: ["nightshift"],
      });
    for (let p = 0; p < load.pullsPerRepo; p++) {
      const branch = `agent/work-${p}`;
      await gh.state.push(repo, branch, { [`work-${p}.txt`]: `${p}\n` });
      const pr = await gh.state.openPull(repo, {
        title: `Agent work ${p}`,
        author: AGENT,
        head: branch,
      });
      gh.state.checkRun(repo, pr.pull!.head.sha, { name: "unit-tests", conclusion: "failure" });
    }
  }
  return repos;
}

/** Comments on every issue and pull request of `repos`: the poller's status comments. */
function comments(gh: FakeGitHub, repos: string[]): number {
  return repos.reduce((n, r) => n + gh.state.repo(r).comments.size, 0);
}

/**
 * The poller's largest RSS while it turns a fake GitHub's labelled issues and failing pull
 * requests into tasks on `bus`'s server (where no executor runs), polling every 500 ms:
 * sampled until every task exists and `load.afterMs` more, while it writes status comments.
 */
export async function pollerUnderLoad(
  url: string,
  bus: Bus,
  load: PollerLoad,
  timeoutMs = 20_000,
): Promise<UnderLoad & { comments: number }> {
  const gh = await startFakeGitHub({ rateLimit: 1_000_000 });
  try {
    const repos = await populate(gh, load);
    const expected = load.repos * (load.issuesPerRepo + load.pullsPerRepo);
    const config = {
      // No spacing of writes, so status comments are written within the window (GitHub's
      // advice, the default, is one every 3 s).
      github: { apiUrl: gh.url, login: AGENT, writeSpacing: 0, contentSpacing: 0 },
      poller: { interval: "500ms", github: { repos: repos.map((repo) => ({ repo })) } },
    };
    const w = await startService("poller", url, config, { GITHUB_TOKEN: gh.token(AGENT) });
    try {
      const r = await sampleUntilTasks(w.child.pid ?? 0, bus, {
        prefix: "gh",
        expected,
        timeoutMs,
        afterMs: load.afterMs,
      });
      return { ...r, comments: comments(gh, repos) };
    } finally {
      await w.stop();
    }
  } finally {
    await gh.stop();
  }
}
