import type { Context, Hono } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { API_ROUTES, watchRecords } from "@nightshift/client";
import type { Logger } from "@nightshift/runtime";
import type { ApiEnv } from "../env.ts";
import { ApiError, errorBody, toApiError } from "../errors.ts";
import { readParams, readQuery } from "../validate.ts";

const R = API_ROUTES;

export interface StreamOptions {
  /** Comment lines sent this often keep idle connections open through proxies. */
  heartbeatMs: number;
  log: Logger;
}

/**
 * Runs `body` as a server-sent event stream: an abort signal that fires when the client
 * goes away, heartbeats, and errors reported as an `error` event before closing.
 */
function sse(
  c: Context<ApiEnv>,
  opts: StreamOptions,
  body: (stream: SSEStreamingApi, signal: AbortSignal) => Promise<void>,
): Response {
  return streamSSE(
    c,
    async (stream) => {
      const ac = new AbortController();
      stream.onAbort(() => ac.abort());
      const ping = setInterval(() => {
        stream.write(": ping\n\n").catch(() => ac.abort());
      }, opts.heartbeatMs);
      try {
        await body(stream, ac.signal);
      } finally {
        clearInterval(ping);
        ac.abort();
      }
    },
    async (err, stream) => {
      const { error, internal } = toApiError(err);
      if (internal) opts.log.error({ err, path: c.req.path }, "event stream failed");
      await stream.writeSSE({ event: "error", data: JSON.stringify(errorBody(error)) });
    },
  );
}

/** A task's events (JSON or a live stream) and the live stream of record changes. */
export function streamRoutes(app: Hono<ApiEnv>, opts: StreamOptions): void {
  app.get(R.taskEvents.path, async (c) => {
    const { id } = readParams(c, R.taskEvents.params);
    const q = readQuery(c, R.taskEvents.query);
    const lastId = c.req.header("last-event-id");
    const afterSeq = q.after ?? (lastId && /^\d+$/.test(lastId) ? Number(lastId) : undefined);
    const client = c.var.client;
    if (!(await client.get(id))) throw new ApiError(404, "NOT_FOUND", `no task ${id}`);
    const wantsStream =
      q.follow === true || (c.req.header("accept") ?? "").includes("text/event-stream");
    const from = afterSeq !== undefined ? { afterSeq } : {};
    if (!wantsStream) {
      const events = [];
      for await (const e of client.events(id, { follow: false, ...from })) events.push(e);
      return c.json({ events });
    }
    return sse(c, opts, async (stream, signal) => {
      for await (const e of client.events(id, { follow: q.follow ?? true, signal, ...from })) {
        await stream.writeSSE({ id: String(e.seq), data: JSON.stringify(e) });
      }
      if (!signal.aborted) await stream.writeSSE({ event: "end", data: "{}" });
    });
  });

  app.get(R.watch.path, (c) =>
    sse(c, opts, async (stream, signal) => {
      // "ready" follows the opened watch: nothing written after a client saw it is missed.
      const changes = await watchRecords(c.var.bus, signal);
      await stream.writeSSE({ event: "ready", data: "{}" });
      for await (const { revision, record } of changes) {
        await stream.writeSSE({
          event: "record",
          id: String(revision),
          data: JSON.stringify(record),
        });
      }
    }),
  );
}
