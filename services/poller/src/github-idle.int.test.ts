import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "@nightshift/fake-github";
import { waitFor } from "@nightshift/testkit";
import { AGENT, startHarness, type Harness } from "./harness.int.ts";

/**
 * Idle cost of watching a repository: the poller runs against the fake GitHub with a
 * 100 ms interval; after the first polls settle, every request during 40 polls is counted,
 * with and without ETags, and scaled to the default intervals (60 s, and 10 min with
 * webhooks). Requests answered 304 do not count against GitHub's rate limit.
 */
const TICKS = 40;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  for (const name of ["acme/quiet", "acme/busy"]) {
    await h.gh.state.createRepo(name, { collaborators: { [AGENT]: "write", alice: "write" } });
    h.gh.state.openIssue(name, { title: "old issue", author: "alice" });
    h.gh.state.openIssue(name, { title: "done issue", author: "alice", labels: ["nightshift"] });
  }
  await h.gh.state.push("acme/busy", "agent/work", { "x.txt": "1\n" });
  const pr = await h.gh.state.openPull("acme/busy", {
    title: "agent work",
    author: AGENT,
    head: "agent/work",
  });
  h.gh.state.checkRun("acme/busy", pr.pull!.head.sha, { name: "tests", conclusion: "success" });
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await h.close();
});

async function measure(repo: string, conditional: boolean) {
  await h.poller({
    poller: { interval: "100ms", conditionalRequests: conditional, github: { repos: [{ repo }] } },
  });
  const listing = (e: Exchange) => e.path === `/repos/${repo}/issues`;
  const mine = () =>
    h.gh.exchanges().filter((e) => e.path.startsWith(`/repos/${repo}`) || e.path === "/user");
  // Settle: the first polls take up the backlog and store ETags.
  await waitFor(() => mine().filter(listing).length >= 5, { message: "first polls" });
  const from = mine().length;
  await waitFor(() => mine().slice(from).filter(listing).length >= TICKS + 1, {
    timeoutMs: 30_000,
  });
  // Exactly TICKS whole polls: from one listing request to the TICKS-th after it.
  const window = mine().slice(from);
  const starts = window.flatMap((e, i) => (listing(e) ? [i] : []));
  const counted = window.slice(starts[0], starts[TICKS]);
  const perTick = counted.length / TICKS;
  const charged = counted.filter((e) => e.counted).length / TICKS;
  const notModified = counted.filter((e) => e.status === 304).length / TICKS;
  await h.stopAll();
  return {
    perTick,
    charged,
    notModified,
    perHour: perTick * 60,
    chargedPerHour: charged * 60,
    webhookHour: perTick * 6,
  };
}

describe("idle cost per watched repository", () => {
  it("costs one free conditional request per poll for a quiet repository, three more per watched pull request", async () => {
    const quietOn = await measure("acme/quiet", true);
    const quietOff = await measure("acme/quiet", false);
    const busyOn = await measure("acme/busy", true);
    const busyOff = await measure("acme/busy", false);
    const rows = { quietOn, quietOff, busyOn, busyOff };
    console.log(
      [
        "idle requests per watched repository (per poll; per hour at the default 60 s; per hour at 10 min with webhooks):",
        ...Object.entries(rows).map(
          ([k, r]) =>
            `${k.padEnd(9)} ${r.perTick.toFixed(2)} req/poll (${r.notModified.toFixed(2)} were 304), ` +
            `${r.perHour.toFixed(0)} req/h of which ${r.chargedPerHour.toFixed(0)} count against the rate limit; ` +
            `${r.webhookHour.toFixed(0)} req/h with webhooks`,
        ),
      ].join("\n"),
    );
    expect(quietOn).toMatchObject({ perTick: 1, notModified: 1, charged: 0 });
    expect(busyOn).toMatchObject({ perTick: 4, notModified: 4, charged: 0 });
    expect(quietOff.charged).toBeGreaterThanOrEqual(1);
    expect(busyOff.charged).toBeGreaterThan(busyOn.charged + 3);
  });
});
