import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { conversationError, countTokens, MessagesRequest, writeMessage } from "./anthropic.ts";
import { PromptCache } from "./prompt-cache.ts";
import { anthropicRateLimitHeaders, openaiRateLimitHeaders } from "./rate-limit-headers.ts";
import { inputError, ResponsesRequest, writeResponse, writeResponsesError } from "./responses.ts";
import type { ErrorReply, MessageReply, Reply, ScriptedUsage } from "./script.ts";
import { sampleFor, structuredOutputSchema } from "./schema-sample.ts";
import { sendJson } from "./sse.ts";

export type Api = "messages" | "count_tokens" | "responses" | "other";

/** A request the server received, for tests to inspect. */
export interface ReceivedRequest {
  api: Api;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Tokens the server reported for its answer (OpenAI: input includes cached). */
  usage?: ScriptedUsage;
  /** The credential sent, from `x-api-key` or an `Authorization: Bearer` header. */
  apiKey?: string;
  /**
   * What the server answered: `message` or `error` (scripted), `structured` (a side request
   * for JSON output, answered from its schema), or a status for unscripted requests.
   */
  answer: string;
}

export interface ModelServerOptions {
  /** Reject requests whose `x-api-key` / bearer token is not this (or one of these), with 401. */
  apiKey?: string | readonly string[];
  /** Smallest prefix that prompt caching stores (default 1024 tokens, like the real API). */
  cacheMinTokens?: number;
}

/** A scripted stand-in for the Anthropic Messages API and the OpenAI Responses API on loopback. */
export interface ModelServer {
  /** Base URL for Anthropic clients (`ANTHROPIC_BASE_URL`). */
  readonly url: string;
  /** Base URL for OpenAI clients, ending in `/v1`. */
  readonly openaiBaseUrl: string;
  /** Appends replies; each model request (Messages or Responses) takes the next one. */
  script(...replies: Reply[]): void;
  /** Every request received, in order. */
  readonly requests: readonly ReceivedRequest[];
  /** Received model requests (Messages and Responses API calls), in order. */
  modelRequests(): ReceivedRequest[];
  /** Scripted replies not yet used. */
  pending(): number;
  /** Drops the replies not yet used and says how many there were. */
  clear(): number;
  close(): Promise<void>;
}

const CountRequest = MessagesRequest.extend({ max_tokens: z.number().optional() });

function newId(prefix: string): string {
  return prefix + randomBytes(12).toString("base64url").replace(/[-_]/g, "x");
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function anthropicError(res: ServerResponse, err: ErrorReply, headers: Record<string, string>) {
  sendJson(
    res,
    err.status,
    {
      type: "error",
      error: { type: err.errorType, message: err.message },
      request_id: newId("req_"),
    },
    headers,
  );
}

function apiOf(method: string, path: string): Api {
  if (method !== "POST") return "other";
  if (path === "/v1/messages") return "messages";
  if (path === "/v1/messages/count_tokens") return "count_tokens";
  if (path === "/v1/responses" || path === "/responses") return "responses";
  return "other";
}

/** Starts a model server on 127.0.0.1 with a random port. */
export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const queue: Reply[] = [];
  const requests: ReceivedRequest[] = [];
  const cache = new PromptCache(opts.cacheMinTokens ?? 1024);
  let served = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const api = apiOf(method, path);
    let body: unknown = raw;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      // kept as text
    }
    const headers = headersOf(req);
    const apiKey = headers["x-api-key"] ?? headers["authorization"]?.replace(/^Bearer /, "");
    const entry: ReceivedRequest = {
      api,
      method,
      path,
      headers,
      body,
      answer: "",
      ...(apiKey !== undefined ? { apiKey } : {}),
    };
    requests.push(entry);
    const answer = (what: string): void => {
      entry.answer = what;
    };
    const isAnthropic = api === "messages" || api === "count_tokens";
    const rl = (err?: ErrorReply) =>
      isAnthropic
        ? { "request-id": newId("req_"), ...anthropicRateLimitHeaders(served, new Date(), err) }
        : { "x-request-id": newId("req_"), ...openaiRateLimitHeaders(new Date(), err) };

    if (api === "other") {
      answer(method === "HEAD" || path === "/" ? "200" : "404");
      if (method === "HEAD" || path === "/") res.writeHead(200).end();
      else
        sendJson(res, 404, {
          type: "error",
          error: { type: "not_found_error", message: `no route ${method} ${path}` },
        });
      return;
    }
    if (opts.apiKey !== undefined) {
      const keys: readonly string[] = typeof opts.apiKey === "string" ? [opts.apiKey] : opts.apiKey;
      if (apiKey === undefined || !keys.includes(apiKey)) {
        answer("401");
        const err: ErrorReply = {
          kind: "error",
          status: 401,
          errorType: "authentication_error",
          message: "invalid x-api-key",
        };
        if (isAnthropic) anthropicError(res, err, rl());
        else writeResponsesError(res, err, rl());
        return;
      }
    }
    const invalid = (message: string): void => {
      answer("400");
      const err: ErrorReply = {
        kind: "error",
        status: 400,
        errorType: "invalid_request_error",
        message,
      };
      if (isAnthropic) anthropicError(res, err, rl());
      else writeResponsesError(res, err, rl());
    };
    if (api === "count_tokens") {
      const parsed = CountRequest.safeParse(body);
      if (!parsed.success) return invalid(parsed.error.issues[0]?.message ?? "invalid request");
      answer("count");
      sendJson(res, 200, countTokens({ ...parsed.data, max_tokens: 1 }), rl());
      return;
    }
    const parsed =
      api === "messages" ? MessagesRequest.safeParse(body) : ResponsesRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return invalid(`${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid request"}`);
    }
    const problem =
      api === "messages"
        ? conversationError(parsed.data as MessagesRequest)
        : inputError(parsed.data as ResponsesRequest);
    if (problem !== undefined) return invalid(problem);
    const schema = api === "messages" ? structuredOutputSchema(body) : undefined;
    if (schema !== undefined) {
      // A side request (a session title …), not a turn of the scripted conversation.
      answer("structured");
      const reply: MessageReply = { kind: "message", text: JSON.stringify(sampleFor(schema)) };
      entry.usage = writeMessage(res, parsed.data as MessagesRequest, reply, {
        cache,
        newId,
        headers: rl(),
      });
      return;
    }
    const next = queue.shift();
    if (next === undefined) return invalid("model-server: the test script has no reply left");
    served++;
    if (next.kind === "error") {
      answer("error");
      if (isAnthropic) anthropicError(res, next, rl(next));
      else writeResponsesError(res, next, rl(next));
      return;
    }
    answer("message");
    const write = (): void => {
      const o = { cache, newId, headers: rl() };
      entry.usage =
        api === "messages"
          ? writeMessage(res, parsed.data as MessagesRequest, next, o)
          : writeResponse(res, parsed.data as ResponsesRequest, next, o);
    };
    if (next.delayMs) setTimeout(write, next.delayMs);
    else write();
  };

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(parts).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    script: (...replies) => void queue.push(...replies),
    requests,
    modelRequests: () => requests.filter((r) => r.api === "messages" || r.api === "responses"),
    pending: () => queue.length,
    clear: () => queue.splice(0).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
