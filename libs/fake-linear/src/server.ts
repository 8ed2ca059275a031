import { serve, type ServerType } from "@hono/node-server";
import {
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from "graphql";
import { Hono } from "hono";
import { rootValue } from "./resolvers.ts";
import { linearSchema } from "./schema.ts";
import { LinearData } from "./state.ts";

export interface FakeLinear {
  /** The GraphQL endpoint (`poller.linear.apiUrl`). */
  url: string;
  data: LinearData;
  /** Operation names received, in order (`Issues`, `Move` …). */
  operations: string[];
  /** The next `times` requests are refused for Linear's rate limit. */
  rateLimit(times: number, resetInMs?: number): void;
  stop(): Promise<void>;
}

function errors(
  status: number,
  errs: { message: string; extensions?: Record<string, unknown> }[],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ errors: errs }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** A loopback Linear GraphQL API over in-memory data, checked against Linear's schema. */
export async function startFakeLinear(): Promise<FakeLinear> {
  const schema = linearSchema();
  const data = new LinearData();
  const operations: string[] = [];
  let limited = 0;
  let resetAt = 0;
  const app = new Hono();
  app.post("/graphql", async (c) => {
    const key = c.req.header("authorization") ?? "";
    const viewer = [...data.users.values()].find(
      (u) => u.apiKey === key || `Bearer ${u.apiKey}` === key,
    );
    if (!viewer)
      return errors(400, [
        {
          message: "Authentication required, not authenticated",
          extensions: {
            type: "authentication error",
            code: "AUTHENTICATION_ERROR",
            userPresentableMessage: "You need to authenticate to access this operation.",
          },
        },
      ]);
    if (limited > 0) {
      limited--;
      return errors(
        400,
        [
          {
            message: "Rate limit exceeded",
            extensions: {
              type: "ratelimited",
              code: "RATELIMITED",
              userPresentableMessage: "Rate limit exceeded",
            },
          },
        ],
        {
          "x-ratelimit-requests-limit": "1500",
          "x-ratelimit-requests-remaining": "0",
          "x-ratelimit-requests-reset": String(resetAt),
        },
      );
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = await c.req.json<typeof body>();
    } catch {
      return errors(400, [{ message: "Body is not JSON", extensions: { type: "invalid input" } }]);
    }
    let doc: DocumentNode;
    try {
      doc = parse(typeof body.query === "string" ? body.query : "");
    } catch (err) {
      return errors(400, [
        {
          message: (err as GraphQLError).message,
          extensions: { type: "graphql error", code: "GRAPHQL_PARSE_FAILED" },
        },
      ]);
    }
    const invalid = validate(schema, doc);
    if (invalid.length > 0)
      return errors(
        400,
        invalid.map((e) => ({
          message: e.message,
          extensions: { type: "graphql error", code: "GRAPHQL_VALIDATION_FAILED" },
        })),
      );
    const op = doc.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    operations.push(op?.name?.value ?? "anonymous");
    const result = await execute({
      schema,
      document: doc,
      rootValue: rootValue(data, viewer),
      variableValues: (body.variables ?? {}) as Record<string, unknown>,
    });
    return c.json(result, result.errors && !result.data ? 400 : 200);
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    data,
    operations,
    rateLimit(times, resetInMs = 1000) {
      limited = times;
      resetAt = Date.now() + resetInMs;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
