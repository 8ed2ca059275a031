import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLinear, type FakeLinear, type FakeUser } from "@nightshift/fake-linear";
import { PermanentError, RetryableError } from "@nightshift/errors";
import { LinearApi } from "./api.ts";
import { linearRequest } from "./client.ts";

let fake: FakeLinear;
let agent: FakeUser;
let api: LinearApi;

beforeAll(async () => {
  fake = await startFakeLinear();
  agent = fake.data.addUser("Nightshift");
  fake.data.addTeam("ENG");
  api = new LinearApi(linearRequest({ apiKey: agent.apiKey, apiUrl: fake.url }));
});
afterAll(async () => {
  await fake.stop();
});

describe("Linear client (@linear/sdk) against the fake GraphQL endpoint", () => {
  it("lists a team's issues by state and label, across pages", async () => {
    const pm = fake.data.addUser("Pat");
    for (let i = 0; i < 60; i++)
      fake.data.createIssue({
        team: "ENG",
        title: `todo ${i}`,
        state: "Todo",
        creator: pm,
        labels: i % 2 ? ["agent"] : [],
      });
    fake.data.createIssue({
      team: "ENG",
      title: "backlog",
      state: "Backlog",
      creator: pm,
      labels: ["agent"],
    });
    expect(await api.issues({ team: "ENG", state: "Todo" })).toHaveLength(60);
    const labelled = await api.issues({ team: "ENG", state: "Todo", label: "agent" });
    expect(labelled).toHaveLength(30);
    expect(labelled[0]).toMatchObject({
      team: { key: "ENG" },
      state: { name: "Todo" },
      creator: { name: "Pat" },
    });
    expect(await api.issues({ team: "ENG", label: "agent" })).toHaveLength(31);
    expect(await api.issues({ team: "OPS" })).toHaveLength(0);
  });

  it("moves an issue and writes, lists and edits comments", async () => {
    const pm = fake.data.addUser("Kim");
    const issue = fake.data.createIssue({
      team: "ENG",
      title: "write back",
      state: "Todo",
      creator: pm,
    });
    const started = (await api.states("ENG")).find((s) => s.name === "In Progress")!;
    await api.moveIssue(issue.id, started.id);
    expect(fake.data.stateName(issue)).toBe("In Progress");
    const id = await api.createComment(issue.id, "working on it");
    await api.updateComment(id, "done");
    expect(await api.comments(issue.identifier)).toEqual([
      { id, body: "done", user: { id: agent.id } },
    ]);
    expect((await api.viewer()).id).toBe(agent.id);
  });

  it("maps a refused key to a permanent error and the rate limit to a wait", async () => {
    const wrong = new LinearApi(linearRequest({ apiKey: "lin_api_wrong", apiUrl: fake.url }));
    const denied = await wrong.viewer().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermanentError);
    fake.rateLimit(1, 5_000);
    const limited = await api.viewer().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryableError);
    expect((limited as RetryableError).delayMs).toBeGreaterThan(3_000);
    expect((await api.viewer()).name).toBe("Nightshift");
  });

  it("rejects a query that is not valid against Linear's schema", async () => {
    const raw = linearRequest({ apiKey: agent.apiKey, apiUrl: fake.url });
    const err = await raw("query { issues { nodes { notAField } } }", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
  });
});
