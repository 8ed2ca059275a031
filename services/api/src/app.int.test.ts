import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiErrorBody,
  CancelResponse,
  DecisionResponse,
  parseSse,
  PauseState,
  QueueSummary,
  ResumeResponse,
  SequencedEvent,
  SubmitResponse,
  TaskList,
} from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import { ApprovalDecision, Keys, PauseFlag, TaskRecord } from "@nightshift/contracts";
import {
  addSpend,
  budgetScopes,
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
const log = createLogger({ level: "silent", format: "json", base: {}, secrets: [] });

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
let series: SeriesSampler;
let app: ReturnType<typeof createApiApp>;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "api-test" });
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
  series = startSeriesSampler({ bus, intervalMs: 60_000, size: 10, onError: () => undefined });
  app = createApiApp({
    bus,
    access: decideAccess({ tokens: `ci:${TOKEN}`, openOnLoopback: false, host: "0.0.0.0" }),
    maxBodyBytes: 4096,
    series,
    log,
  });
});

afterAll(async () => {
  series.stop();
  await nc.close();
  await nats.dispose();
});

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers["authorization"] = `Bearer ${opts.token ?? TOKEN}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  return await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
}

async function error(res: Response) {
  return ApiErrorBody.parse(await res.json()).error;
}

describe("authentication", () => {
  it("answers 401 with a JSON code to a missing or wrong token, on every endpoint", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/tasks"],
      ["POST", "/api/v1/tasks"],
      ["GET", "/api/v1/tasks/abc123/events?follow=1"],
      ["GET", "/api/v1/watch"],
      ["GET", "/api/v1/no-such-endpoint"],
    ] as const) {
      const body = method === "POST" ? { prompt: "x" } : undefined;
      const missing = await call(method, path, { token: null, ...(body ? { body } : {}) });
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="nightshift"');
      expect((await error(missing)).code).toBe("UNAUTHORIZED");
      const wrong = await call(method, path, { token: `${TOKEN}x` });
      expect(wrong.status).toBe(401);
      expect((await error(wrong)).message).toMatch(/not one of NIGHTSHIFT_API_TOKENS/);
    }
    expect(
      (await call("GET", "/api/v1/tasks", { headers: { authorization: TOKEN }, token: null }))
        .status,
    ).toBe(401);
  });

  it("serves the OpenAPI document without a token", async () => {
    const res = await call("GET", "/api/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("answers 503 API_DISABLED when no token is configured, and opens on loopback for up", async () => {
    const off = createApiApp({
      bus,
      access: decideAccess({ tokens: undefined, openOnLoopback: false, host: "127.0.0.1" }),
      maxBodyBytes: 4096,
      series,
      log,
    });
    const res = await off.request("/api/v1/tasks");
    expect(res.status).toBe(503);
    expect((await error(res)).code).toBe("API_DISABLED");
    const open = createApiApp({
      bus,
      access: decideAccess({ tokens: undefined, openOnLoopback: true, host: "127.0.0.1" }),
      maxBodyBytes: 4096,
      series,
      log,
    });
    expect((await open.request("/api/v1/tasks")).status).toBe(200);
    const created = SubmitResponse.parse(
      await (
        await open.request("/api/v1/tasks", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "from loopback" }),
        })
      ).json(),
    );
    expect(created.task.source).toMatchObject({ kind: "api", author: "local" });
  });
});

describe("request limits and validation", () => {
  it("refuses a body over api.maxBodyBytes with 413, with or without a content-length", async () => {
    const big = { prompt: "x".repeat(5000) };
    const res = await call("POST", "/api/v1/tasks", { body: big });
    expect(res.status).toBe(413);
    expect((await error(res)).code).toBe("PAYLOAD_TOO_LARGE");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        controller.close();
      },
    });
    const chunked = await app.request("/api/v1/tasks", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
  });

  it("answers 400 with the path of each problem in an invalid task", async () => {
    const res = await call("POST", "/api/v1/tasks", {
      body: {
        prompt: "  ",
        timeoutSec: -5,
        mode: "yolo",
        card: { goal: "", acceptance: ["ok", ""] },
        id: "Not.Valid",
        surprise: true,
      },
    });
    expect(res.status).toBe(400);
    const e = await error(res);
    expect(e.code).toBe("INVALID_REQUEST");
    expect(e.issues?.map((i) => i.path).sort()).toEqual([
      "",
      "card.acceptance.1",
      "card.goal",
      "id",
      "mode",
      "prompt",
      "timeoutSec",
    ]);
    expect(e.issues?.find((i) => i.path === "")?.message).toMatch(/surprise/);
  });

  it("answers 400 for bad JSON, bad query values and bad path parameters; 415 for other media", async () => {
    const notJson = await call("POST", "/api/v1/tasks", { body: "{prompt:" });
    expect(notJson.status).toBe(400);
    expect((await error(notJson)).issues).toEqual([{ path: "", message: "not JSON" }]);
    const text = await call("POST", "/api/v1/tasks", {
      body: "prompt=hi",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect((await error(text)).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const query = await call("GET", "/api/v1/tasks?state=running,sleeping&limit=0&since=yesterday");
    expect(query.status).toBe(400);
    expect((await error(query)).issues?.map((i) => i.path).sort()).toEqual([
      "limit",
      "since",
      "state",
    ]);
    const param = await call("GET", "/api/v1/tasks/UPPER.case");
    expect(param.status).toBe(400);
    expect((await error(param)).issues?.[0]?.path).toBe("id");
  });

  it("answers 404 with a code for unknown tasks and endpoints", async () => {
    const task = await call("GET", "/api/v1/tasks/no-such-task");
    expect(task.status).toBe(404);
    expect((await error(task)).code).toBe("NOT_FOUND");
    const endpoint = await call("GET", "/api/v1/nothing/here");
    expect(endpoint.status).toBe(404);
    expect((await error(endpoint)).message).toBe("no endpoint GET /api/v1/nothing/here");
  });
});

describe("tasks", () => {
  it("submits (201, then 200 for the same id), gets and lists with filters", async () => {
    const repo = `https://example.com/acme/web-${Date.now()}.git`;
    const first = await call("POST", "/api/v1/tasks", {
      body: { prompt: "fix the build", repo, id: "api-test-one", labels: { team: "web" } },
    });
    expect(first.status).toBe(201);
    const created = SubmitResponse.parse(await first.json());
    expect(created).toMatchObject({ id: "api-test-one", created: true });
    expect(created.task.source).toMatchObject({ kind: "api", author: "ci" });
    expect(created.task.labels).toEqual({ team: "web" });
    const again = await call("POST", "/api/v1/tasks", {
      body: { prompt: "fix the build", repo, id: "api-test-one" },
    });
    expect(again.status).toBe(200);
    expect(SubmitResponse.parse(await again.json()).created).toBe(false);

    const got = TaskRecord.parse(await (await call("GET", "/api/v1/tasks/api-test-one")).json());
    expect(got).toMatchObject({ id: "api-test-one", state: "queued" });

    await call("POST", "/api/v1/tasks", { body: { prompt: "other", id: "api-test-two" } });
    const byRepo = TaskList.parse(
      await (await call("GET", `/api/v1/tasks?repo=${encodeURIComponent(repo)}`)).json(),
    );
    expect(byRepo.tasks.map((t) => t.id)).toEqual(["api-test-one"]);
    const bySource = TaskList.parse(
      await (await call("GET", "/api/v1/tasks?source=api&state=queued,running&limit=1")).json(),
    );
    expect(bySource.tasks).toHaveLength(1);
    expect(bySource.total).toBeGreaterThanOrEqual(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = TaskList.parse(await (await call("GET", `/api/v1/tasks?since=${future}`)).json());
    expect(none).toEqual({ tasks: [], total: 0 });
    const before = TaskList.parse(
      await (await call("GET", `/api/v1/tasks?until=${future}&source=cli`)).json(),
    );
    expect(before.tasks.every((t) => t.task.source.kind === "cli")).toBe(true);
  });

  it("cancels a queued task and reports the effect", async () => {
    await call("POST", "/api/v1/tasks", { body: { prompt: "cancel me", id: "api-test-cancel" } });
    const res = await call("POST", "/api/v1/tasks/api-test-cancel/cancel", {
      body: { message: "not needed" },
    });
    expect(res.status).toBe(200);
    const out = CancelResponse.parse(await res.json());
    expect(out.effect).toBe("cancelled");
    expect(out.record).toMatchObject({ state: "cancelled", detail: "not needed" });
    const flag = await bus.kv.control.get(Keys.cancel("api-test-cancel"));
    expect(flag?.json()).toMatchObject({ by: "api:ci", message: "not needed" });
    const events = (await (await call("GET", "/api/v1/tasks/api-test-cancel/events")).json()) as {
      events: { seq: number; event: { type: string; state?: string } }[];
    };
    expect(events.events.map((e) => e.event.state)).toEqual(["queued", "cancelled"]);
    const after = (await (
      await call("GET", `/api/v1/tasks/api-test-cancel/events?after=${events.events[0]!.seq}`)
    ).json()) as { events: unknown[] };
    expect(after.events).toHaveLength(1);
  });
});

describe("event streams", () => {
  it("streams a task's events as server-sent events, resumes after Last-Event-ID and ends with the task", async () => {
    const all = (await (await call("GET", "/api/v1/tasks/api-test-cancel/events")).json()) as {
      events: { seq: number }[];
    };
    const res = await call("GET", "/api/v1/tasks/api-test-cancel/events", {
      headers: { accept: "text/event-stream", "last-event-id": String(all.events[0]!.seq) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const messages = [];
    for await (const m of parseSse(res.body!)) messages.push(m);
    expect(messages.map((m) => m.event)).toEqual(["message", "end"]);
    expect(messages[0]!.id).toBe(String(all.events[1]!.seq));
    expect(SequencedEvent.parse(JSON.parse(messages[0]!.data)).event).toMatchObject({
      type: "state",
      state: "cancelled",
    });
  });

  it("streams record changes after announcing that the watch is open", async () => {
    const res = await call("GET", "/api/v1/watch");
    const stream = parseSse(res.body!);
    expect((await stream.next()).value).toMatchObject({ event: "ready" });
    await call("POST", "/api/v1/tasks", { body: { prompt: "watched", id: "api-test-watch" } });
    const next = (await stream.next()).value as { event: string; data: string };
    expect(next.event).toBe("record");
    expect(TaskRecord.parse(JSON.parse(next.data))).toMatchObject({
      id: "api-test-watch",
      state: "queued",
    });
    await stream.return(undefined);
  });
});

describe("control", () => {
  it("writes approval decisions to the control bucket, and refuses them for finished tasks", async () => {
    await call("POST", "/api/v1/tasks", {
      body: { prompt: "needs a human", id: "api-test-approve", mode: "supervised" },
    });
    const res = await call("POST", "/api/v1/tasks/api-test-approve/approve", {
      body: { message: "looks right" },
    });
    expect(res.status).toBe(200);
    const out = DecisionResponse.parse(await res.json());
    expect(out.decision).toMatchObject({
      decision: "approve",
      by: "api:ci",
      message: "looks right",
    });
    const stored = ApprovalDecision.parse(
      (await bus.kv.control.get(Keys.approval("api-test-approve")))?.json(),
    );
    expect(stored).toEqual(out.decision);
    const rej = await call("POST", "/api/v1/tasks/api-test-approve/reject");
    expect(DecisionResponse.parse(await rej.json()).decision.decision).toBe("reject");

    const finished = await call("POST", "/api/v1/tasks/api-test-cancel/approve");
    expect(finished.status).toBe(409);
    expect((await error(finished)).code).toBe("CONFLICT");
    expect((await call("POST", "/api/v1/tasks/no-such-task/reject")).status).toBe(404);
  });

  it("pauses and resumes everything or one schedule", async () => {
    const all = PauseState.parse(await (await call("POST", "/api/v1/pause")).json());
    expect(all.all).toMatchObject({ by: "api:ci" });
    const flag = PauseFlag.parse((await bus.kv.control.get(Keys.pauseAll))?.json());
    expect(flag.by).toBe("api:ci");
    const sched = PauseState.parse(
      await (await call("POST", "/api/v1/pause", { body: { schedule: "nightly-deps" } })).json(),
    );
    expect(Object.keys(sched.schedules)).toEqual(["nightly-deps"]);
    const bad = await call("POST", "/api/v1/pause", { body: { schedule: "a.b" } });
    expect((await error(bad)).issues?.[0]?.path).toBe("schedule");
    const resumed = ResumeResponse.parse(await (await call("POST", "/api/v1/resume")).json());
    expect(resumed.resumed).toBe(true);
    expect(resumed.all).toBeNull();
    expect(Object.keys(resumed.schedules)).toEqual(["nightly-deps"]);
    const again = ResumeResponse.parse(await (await call("POST", "/api/v1/resume")).json());
    expect(again.resumed).toBe(false);
    await call("POST", "/api/v1/resume", { body: { schedule: "nightly-deps" } });
    expect(PauseState.parse(await (await call("GET", "/api/v1/pause")).json())).toEqual({
      all: null,
      schedules: {},
    });
  });
});

describe("summaries", () => {
  it("summarises the queue and the spend per day and repository", async () => {
    const q = QueueSummary.parse(await (await call("GET", "/api/v1/summary/queue")).json());
    expect(q.queue.messages).toBeGreaterThanOrEqual(3);
    expect(q.counts["queued"]).toBeGreaterThanOrEqual(3);
    expect(q.counts["cancelled"]).toBe(1);

    // A finished record with usage, as an executor leaves it.
    await call("POST", "/api/v1/tasks", {
      body: { prompt: "spend", id: "api-test-spend", repo: "https://example.com/acme/spend.git" },
    });
    await bus.tasks.update("api-test-spend", (r) => ({
      ...r,
      state: "succeeded",
      finishedAt: new Date().toISOString(),
      usage: { ...r.usage, costUsd: 1.25, inputTokens: 1000, outputTokens: 200, turns: 3 },
    }));
    const b = (await (await call("GET", "/api/v1/summary/budget?days=3")).json()) as {
      days: { day: string; costUsd: number }[];
      repos: { repo: string; costUsd: number }[];
      total: { costUsd: number };
    };
    expect(b.days.map((d) => d.day)).toHaveLength(3);
    expect(b.days.at(-1)).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      costUsd: 1.25,
    });
    expect(b.repos[0]).toMatchObject({ repo: "https://example.com/acme/spend.git", costUsd: 1.25 });
    expect(b.total.costUsd).toBe(1.25);
    expect((await call("GET", "/api/v1/summary/budget?days=0")).status).toBe(400);

    // Once executors keep daily counters in the budgets bucket, today's figures come from them.
    const task = (await bus.tasks.get("api-test-spend"))!.record.task;
    await addSpend(bus.kv.budgets, budgetScopes(task, parseConfig({}, {}).config.budgets), 2);
    const counted = (await (await call("GET", "/api/v1/summary/budget?days=3")).json()) as {
      from: string;
      days: { costUsd: number }[];
      repos: { repo: string; costUsd: number }[];
      counters: { key: string }[];
    };
    expect(counted.from).toBe("both");
    expect(counted.days.at(-1)?.costUsd).toBe(2);
    expect(counted.repos[0]).toMatchObject({
      repo: "https://example.com/acme/spend.git",
      costUsd: 2,
    });
    expect(counted.counters.map((c) => c.key)).toHaveLength(2);

    const s = await series.sample();
    expect(s.messages).toBe(q.queue.messages + 1);
    const got = (await (await call("GET", "/api/v1/series")).json()) as { samples: unknown[] };
    expect(got.samples.length).toBeGreaterThanOrEqual(1);
  });
});
