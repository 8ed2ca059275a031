import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeTestRepo, waitFor, type TestRepo } from "@nightshift/testkit";
import { startHarness, type Harness } from "./harness.int.ts";

let h: Harness;
let repo: TestRepo;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  repo = await makeTestRepo();
  dir = mkdtempSync(join(tmpdir(), "ns-cards-"));
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await h.close();
});

const config = () => ({
  poller: { github: { repos: [] }, files: [{ dir, repo: repo.origin, interval: "100ms" }] },
});

function frontMatter(name: string): Record<string, unknown> {
  const text = readFileSync(join(dir, name), "utf8");
  return parse(/^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? "") as Record<string, unknown>;
}

describe("a folder of task cards", () => {
  it("runs Markdown and JSON cards once each and writes their status back", async () => {
    const executor = await h.executor();
    let poller = await h.poller(config());
    writeFileSync(
      join(dir, "notes.md"),
      "---\n# a comment that survives write-back\ntitle: Write notes\n---\nWrite NOTES.md with three lines.\n",
    );
    writeFileSync(
      join(dir, "json-card.json"),
      JSON.stringify({ title: "From JSON", prompt: "Say hello" }),
    );
    writeFileSync(join(dir, "broken.md"), "---\ntitle: [unclosed\n---\nbody\n");
    const md = await waitFor(() => {
      const f = frontMatter("notes.md");
      return f["status"] === "succeeded" ? f : undefined;
    });
    expect(md["task"]).toMatch(/^file-/);
    expect((md["result"] as { branch: string }).branch).toBe(`nightshift/${String(md["task"])}`);
    const text = readFileSync(join(dir, "notes.md"), "utf8");
    expect(text).toContain("# a comment that survives write-back");
    expect(text).toContain("Write NOTES.md with three lines.");
    expect(await repo.show(`nightshift/${String(md["task"])}`, "PROMPT.md")).toContain(
      "Write NOTES.md",
    );
    const json = await waitFor(() => {
      const j = JSON.parse(readFileSync(join(dir, "json-card.json"), "utf8")) as Record<
        string,
        unknown
      >;
      return j["status"] === "succeeded" ? j : undefined;
    });
    expect(json["prompt"]).toBe("Say hello");
    const count = async () =>
      (await h.records(poller)).filter((r) => r.task.source.kind === "file").length;
    expect(await count()).toBe(2);
    await poller.stop();
    poller = await h.poller(config());
    const seen = (await h.records(poller)).length;
    // Set pending again: a new run, with its own task.
    const again = readFileSync(join(dir, "notes.md"), "utf8").replace(
      "status: succeeded",
      "status: pending",
    );
    writeFileSync(join(dir, "notes.md"), again);
    const rerun = await waitFor(() => {
      const f = frontMatter("notes.md");
      return f["status"] === "succeeded" && f["task"] !== md["task"] ? f : undefined;
    });
    expect(rerun["task"]).not.toBe(md["task"]);
    expect((await h.records(poller)).length).toBe(seen + 1);
    expect(readFileSync(join(dir, "broken.md"), "utf8")).toBe("---\ntitle: [unclosed\n---\nbody\n");
    await executor.stop();
  });
});
