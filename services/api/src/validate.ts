import type { Context } from "hono";
import type { z } from "zod";
import { describeIssues, issuesOf } from "@nightshift/client";
import { ApiError } from "./errors.ts";

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = issuesOf(r.error);
  throw new ApiError(400, "INVALID_REQUEST", describeIssues(where, issues), { issues });
}

/** The JSON body checked against `schema`; an empty body counts as `{}`. `what` names it in errors. */
export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what = "body",
): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === "") return check(schema, {}, what);
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "INVALID_REQUEST", `the body is not JSON: ${(err as Error).message}`, {
      issues: [{ path: "", message: "not JSON" }],
    });
  }
  return check(schema, value, what);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return check(schema, c.req.query(), "query");
}

export function readParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return check(schema, c.req.param(), "path");
}
