import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiErrorBody, SubmitResponse, TaskRounds, httpClient } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import { roundArtifact } from "@nightshift/contracts";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { createLogger } from "@nightshift/runtime";
import { startTestNats, type TestNats } from "@nightshift/testkit";
import { decideAccess } from "./access.ts";
import { createApiApp } from "./app.ts";
import { startSeriesSampler, type SeriesSampler } from "./series.ts";

const TOKEN = "test-token-0123456789abcdef";
let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
let series: SeriesSampler;
let app: ReturnType<typeof createApiApp>;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "api-rounds-test" });
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
  series = startSeriesSampler({ bus, intervalMs: 60_000, size: 10, onError: () => undefined });
  app = createApiApp({
    bus,
    access: decideAccess({ tokens: `ci:${TOKEN}`, openOnLoopback: false, host: "0.0.0.0" }),
    maxBodyBytes: 8192,
    series,
    log: createLogger({ level: "silent", format: "json", base: {}, secrets: [] }),
  });
});

afterAll(async () => {
  series.stop();
  await nc.close();
  await nats.dispose();
});

const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe("a review loop's rounds over the API", () => {
  it("serves the rounds from the record with each round's archived artifacts; 404 for no task", async () => {
    const res = await app.request("/api/v1/tasks", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        prompt: "Greet the world",
        id: "api-rounds-one",
        card: { goal: "Greet the world", acceptance: ["says hello world"] },
        loop: { maxRounds: 2 },
      }),
    });
    expect(res.status).toBe(201);
    expect(SubmitResponse.parse(await res.json()).task.loop).toEqual({ maxRounds: 2 });
    const fixList = { round: 1, items: [{ severity: "high" as const, reason: "say world" }] };
    const object = roundArtifact("api-rounds-one", 1, "fix-list");
    await bus.artifacts.putBlob(
      { name: object },
      new TextEncoder().encode(JSON.stringify(fixList)),
    );
    await bus.tasks.update("api-rounds-one", (r) => ({
      ...r,
      round: 1,
      rounds: [
        {
          n: 1,
          phase: "done",
          startedAt: new Date().toISOString(),
          outcome: "changes_required",
          fixList: fixList.items,
          artifacts: { "fix-list": object },
        },
      ],
    }));

    const got = await app.request("/api/v1/tasks/api-rounds-one/rounds", { headers: auth });
    expect(got.status).toBe(200);
    const view = TaskRounds.parse(await got.json());
    expect(view).toMatchObject({ id: "api-rounds-one", state: "queued", maxRounds: 2 });
    expect(view.rounds[0]?.artifacts).toEqual({ "fix-list": fixList });
    // the HTTP client reads the same
    const client = httpClient({
      url: "http://api.test",
      token: TOKEN,
      fetch: (input, init) => Promise.resolve(app.request(input, init)),
    });
    expect(await client.rounds("api-rounds-one")).toEqual(view);
    expect(await client.rounds("no-such-task")).toBeUndefined();

    const missing = await app.request("/api/v1/tasks/no-such-task/rounds", { headers: auth });
    expect(missing.status).toBe(404);
    expect(ApiErrorBody.parse(await missing.json()).error.code).toBe("NOT_FOUND");
  });
});
