import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TaskEvent, TaskRecord } from "@nightshift/contracts";
import { blockKitProblems } from "./channels/block-kit-rules.int.ts";

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  status: number;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests to `path` (successful ones only with `ok`). */
  at(path: string, ok?: boolean): Received[];
  close(): Promise<void>;
}

/**
 * A local HTTP receiver. `/ok/*` answers 200; `/flaky/*` answers 500 to the first two
 * attempts of each delivery id and 200 to the third; `/down/*` always answers 503;
 * `/hang/*` never answers;
 * `/slack/*` behaves like a Slack incoming webhook: `ok`, or 400 `invalid_blocks` for a
 * payload that breaks Block Kit's rules.
 */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const tries = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      if (path.startsWith("/hang")) {
        received.push({ path, headers: req.headers, body, status: 0, at: Date.now() });
        return;
      }
      let status = 200;
      let reply = "";
      if (path.startsWith("/flaky")) {
        const id = String(req.headers["x-nightshift-delivery"]);
        const n = (tries.get(id) ?? 0) + 1;
        tries.set(id, n);
        if (n <= 2) status = 500;
      } else if (path.startsWith("/down")) {
        status = 503;
      } else if (path.startsWith("/slack")) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const problems = blockKitProblems(parsed);
        status = problems.length === 0 ? 200 : 400;
        reply = problems.length === 0 ? "ok" : "invalid_blocks";
      }
      received.push({ path, headers: req.headers, body, status, at: Date.now() });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path, ok) =>
      received.filter(
        (r) => r.path.startsWith(path) && (ok !== true || (r.status >= 200 && r.status < 300)),
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A finished task's record and its terminal event, for unit tests of channels. */
export function finishedTask(over: Partial<TaskRecord> = {}): {
  record: TaskRecord;
  event: TaskEvent;
} {
  const record: TaskRecord = {
    v: 1,
    id: "01jx3y7k9m2task",
    task: {
      v: 1,
      id: "01jx3y7k9m2task",
      createdAt: "2026-11-21T02:00:00.000Z",
      source: {
        kind: "schedule",
        ref: "sched:nightly:2026-11-21T02:00:00.000Z",
        attributes: { schedule: "nightly", slot: "2026-11-21T02:00:00.000Z" },
      },
      kind: "schedule",
      prompt: "Update the dependencies\nand fix what breaks",
      repo: { url: "https://github.com/acme/web.git", key: "acme-web_12345678" },
      backend: "claude",
      mode: "autonomous",
      limits: {},
      inputs: [],
      labels: {},
    },
    state: "succeeded",
    attempts: 1,
    createdAt: "2026-11-21T02:00:00.000Z",
    updatedAt: "2026-11-21T02:12:34.000Z",
    startedAt: "2026-11-21T02:00:01.000Z",
    finishedAt: "2026-11-21T02:12:34.000Z",
    usage: {
      turns: 12,
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.4321,
    },
    result: {
      outcome: "succeeded",
      summary: "Bumped 3 packages; tests pass.",
      branch: "nightshift/01jx3y7k9m2task",
      pushed: true,
      pullRequestUrl: "https://github.com/acme/web/pull/42",
    },
    transitions: [],
    ...over,
  };
  const event: TaskEvent = {
    v: 1,
    taskId: record.id,
    at: record.finishedAt ?? record.updatedAt,
    attempt: record.attempts,
    type: "state",
    state: record.state,
  };
  return { record, event };
}
