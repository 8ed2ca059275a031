import { z } from "zod";
import { API_ROUTES, ApiErrorBody, type ApiRoute } from "@nightshift/client";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function parameters(shape: Record<string, z.ZodType>, where: "path" | "query"): JsonSchema[] {
  return Object.entries(shape).map(([name, schema]) => {
    const s = jsonSchema(schema, "input");
    return {
      name,
      in: where,
      required: where === "path" || !schema.safeParse(undefined).success,
      ...(typeof s["description"] === "string" ? { description: s["description"] } : {}),
      schema: s,
    };
  });
}

const ERRORS: Record<string, string> = {
  "400": "Invalid request: `issues` lists each problem with its path",
  "401": "Missing or unknown bearer token",
  "404": "No such task, dead letter or endpoint",
  "409": "The task's state does not allow this",
  "413": "Request body larger than api.maxBodyBytes",
  "503": "The API is off (no NIGHTSHIFT_API_TOKENS configured)",
};

/**
 * The OpenAPI 3.1 document of `/api/v1`, derived from the same zod schemas the handlers
 * validate with (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
export function openApiDocument(info: { version: string }): JsonSchema {
  const schemas: Record<string, JsonSchema> = { ApiError: jsonSchema(ApiErrorBody, "output") };
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [id, r] of Object.entries(API_ROUTES) as [string, ApiRoute][]) {
    const path = r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const responseName = `${pascal(id)}Response`;
    schemas[responseName] = jsonSchema(r.response, "output");
    const content: Record<string, JsonSchema> = {
      "application/json": { schema: ref(responseName) },
    };
    if (r.sse) content["text/event-stream"] = { schema: { type: "string" } };
    const op: JsonSchema = {
      operationId: id,
      summary: r.summary,
      tags: [r.tag],
      parameters: [
        ...(r.params ? parameters(r.params.shape, "path") : []),
        ...(r.query ? parameters(r.query.shape, "query") : []),
      ],
      responses: {
        [String(r.status ?? 200)]: {
          description: r.sse
            ? `Success. As text/event-stream: one event per item, \`data\` shaped like ${responseName} items, then an \`end\` event`
            : "Success",
          content,
        },
        ...Object.fromEntries(
          Object.entries(ERRORS)
            .filter(([code]) => (code === "413" ? r.method === "post" : true))
            .map(([code, description]) => [
              code,
              { description, content: { "application/json": { schema: ref("ApiError") } } },
            ]),
        ),
      },
    };
    if (r.body) {
      const requestName = `${pascal(id)}Request`;
      schemas[requestName] = jsonSchema(r.body, "input");
      op["requestBody"] = {
        // Bodies that accept `{}` may be left out entirely.
        required: !r.body.safeParse({}).success,
        content: { "application/json": { schema: ref(requestName) } },
      };
    }
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "nightshift API",
      version: info.version,
      description:
        "Submit and follow tasks, approve checkpoints, pause work and read summaries. Every request needs `Authorization: Bearer <token>` with a token from NIGHTSHIFT_API_TOKENS.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [{ name: "tasks" }, { name: "control" }, { name: "summaries" }, { name: "dlq" }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}
