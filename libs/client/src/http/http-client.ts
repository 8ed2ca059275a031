import type { z } from "zod";
import { NightshiftError } from "@nightshift/errors";
import type { NightshiftClient } from "../client.ts";
import { ApiResponseError, InvalidRequestError } from "../errors.ts";
import type { RecordFilter } from "../records.ts";
import { normaliseRepo } from "../submit.ts";
import { ApiErrorBody } from "../wire/errors.ts";
import { API_ROUTES, routePath, type ApiRoute } from "../wire/routes.ts";
import { SequencedEvent } from "../wire/tasks.ts";
import { parseSse } from "./sse.ts";

export interface HttpClientOptions {
  /** Where the API is served: `http://127.0.0.1:8080`. */
  url: string;
  /** A bearer token from `NIGHTSHIFT_API_TOKENS`; none for an open loopback API. */
  token?: string | undefined;
  fetch?: typeof fetch;
}

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal | undefined;
}

/** Maps an API error answer to the error the NATS transport would have thrown. */
async function failure(res: Response): Promise<Error> {
  const text = await res.text();
  let body: ApiErrorBody | undefined;
  try {
    body = ApiErrorBody.parse(JSON.parse(text));
  } catch {
    return new ApiResponseError(res.status, "UNEXPECTED", text.slice(0, 200) || res.statusText);
  }
  const { code, message, issues } = body.error;
  if (res.status === 400 && issues) return new InvalidRequestError("request", issues, message);
  if (res.status === 400) return new NightshiftError("INVALID_PAYLOAD", message);
  if (res.status === 404) return new NightshiftError("NOT_FOUND", message);
  if (res.status === 409) return new NightshiftError("CONFLICT", message);
  return new ApiResponseError(res.status, code, message);
}

/** The client that talks to the HTTP API; answers are checked against the same schemas. */
export function httpClient(opts: HttpClientOptions): NightshiftClient {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.url.replace(/\/+$/, "");
  const send = async (route: ApiRoute, call: Call): Promise<Response> => {
    const url = new URL(`${base}${routePath(route.path, call.params)}`);
    for (const [k, v] of Object.entries(call.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: call.accept ?? "application/json" };
    if (opts.token !== undefined) headers["authorization"] = `Bearer ${opts.token}`;
    if (call.body !== undefined) headers["content-type"] = "application/json";
    const res = await doFetch(url, {
      method: route.method.toUpperCase(),
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
    if (!res.ok) throw await failure(res);
    return res;
  };
  const json = async <S extends z.ZodType>(
    route: ApiRoute & { response: S },
    call: Call = {},
  ): Promise<z.output<S>> => {
    const res = await send(route, call);
    const parsed = route.response.safeParse(await res.json());
    if (!parsed.success) {
      throw new ApiResponseError(
        res.status,
        "UNEXPECTED",
        `the API's answer to ${route.method.toUpperCase()} ${route.path} does not match its schema: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  };
  const listQuery = (f: RecordFilter = {}): Record<string, string | undefined> => ({
    state: f.states?.join(","),
    waitReason: f.waitReasons?.join(","),
    source: typeof f.source === "string" ? f.source : f.source?.join(","),
    repo: f.repo,
    since: f.since?.toISOString(),
    until: f.until?.toISOString(),
    limit: String(f.limit ?? 10_000),
  });
  const decide = async (id: string, decision: "approve" | "reject", message?: string) => {
    const route = decision === "approve" ? API_ROUTES.approveTask : API_ROUTES.rejectTask;
    return (await json(route, { params: { id }, body: { message } })).decision;
  };
  return {
    transport: "http",
    submit({ source: _source, cwd, ...body }) {
      // A local path means a path on this machine; the server may run elsewhere.
      const repo =
        body.repo !== undefined ? normaliseRepo(body.repo, cwd ?? process.cwd()) : undefined;
      return json(API_ROUTES.submitTask, {
        body: { ...body, ...(repo !== undefined ? { repo } : {}) },
      });
    },
    async get(id) {
      try {
        return await json(API_ROUTES.getTask, { params: { id } });
      } catch (err) {
        if (err instanceof NightshiftError && err.code === "NOT_FOUND") return undefined;
        throw err;
      }
    },
    async list(filter) {
      const page = await json(API_ROUTES.listTasks, { query: listQuery(filter) });
      return { records: page.tasks, total: page.total };
    },
    cancel: (id, message) => json(API_ROUTES.cancelTask, { params: { id }, body: { message } }),
    decide,
    pauseState: () => json(API_ROUTES.pauseState),
    pause: (scope) => json(API_ROUTES.pause, { body: scope }),
    resume: (scope) => json(API_ROUTES.resume, { body: scope }),
    async *events(id, o) {
      const query = { after: o.afterSeq !== undefined ? String(o.afterSeq) : undefined };
      if (!o.follow) {
        yield* (await json(API_ROUTES.taskEvents, { params: { id }, query })).events;
        return;
      }
      const res = await send(API_ROUTES.taskEvents, {
        params: { id },
        query: { ...query, follow: "1" },
        accept: "text/event-stream",
        signal: o.signal,
      });
      if (!res.body) return;
      try {
        for await (const m of parseSse(res.body)) {
          if (m.event === "end") return;
          if (m.event === "error") throw await failure(new Response(m.data, { status: 500 }));
          if (m.event !== "message") continue;
          yield SequencedEvent.parse(JSON.parse(m.data));
        }
      } catch (err) {
        if (o.signal?.aborted === true) return;
        throw err;
      }
    },
    status: () => json(API_ROUTES.status),
    queue: () => json(API_ROUTES.queueSummary),
    budget: (o) =>
      json(API_ROUTES.budgetSummary, {
        query: { days: o?.days !== undefined ? String(o.days) : undefined },
      }),
    async services() {
      return (await json(API_ROUTES.services)).services;
    },
    async deadLetters() {
      return (await json(API_ROUTES.deadLetters)).deadLetters;
    },
    redrive: (ref) => json(API_ROUTES.redrive, { params: { ref } }),
  };
}
