import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@nightshift/testkit";
import { REPO, startHarness, type Harness } from "./harness.int.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await h.close();
});

describe("GitHub's rate limits", () => {
  it("leaves GitHub alone until the primary limit resets, then polls again", async () => {
    await h.poller();
    const listing = (p: string) => p === `/repos/${REPO}/issues`;
    await waitFor(() => h.gh.exchanges().filter((e) => listing(e.path)).length >= 2);
    h.gh.fail({ kind: "primary", retryAfterSec: 3, match: /GET \/repos\/acme\/web\/issues$/ });
    const refused = await waitFor(() => {
      const i = h.gh.exchanges().findIndex((e) => e.status === 403);
      return i >= 0 ? i : undefined;
    });
    const t403 = Date.now();
    await waitFor(
      () =>
        h.gh
          .exchanges()
          .slice(refused + 1)
          .some((e) => listing(e.path)),
      { timeoutMs: 10_000 },
    );
    // Nothing was asked while the limit was exhausted (the reset is in 3 s; 2 s may be waited in-process).
    expect(Date.now() - t403).toBeGreaterThan(2_000);
    expect(
      h.gh
        .exchanges()
        .slice(refused + 1)
        .every((e) => e.status !== 403),
    ).toBe(true);
  });

  it("rides out a secondary limit with retry-after and a server error without losing the trigger", async () => {
    const poller = await h.poller();
    h.gh.fail({
      kind: "secondary",
      retryAfterSec: 1,
      match: /GET \/repos\/acme\/web\/issues\/\d+\/events$/,
    });
    h.gh.fail({
      kind: "status",
      status: 502,
      times: 3,
      match: /GET \/repos\/acme\/web\/collaborators\//,
    });
    const issue = h.gh.state.openIssue(REPO, {
      title: "Despite the weather",
      author: "alice",
      labels: ["nightshift"],
    });
    await waitFor(async () => (await h.tasksFor(poller, issue.number)).length === 1, {
      timeoutMs: 20_000,
    });
  });
});
