import type { Hono } from "hono";
import { API_ROUTES } from "@nightshift/client";
import type { ApiEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { readBody, readParams, readQuery } from "../validate.ts";

const R = API_ROUTES;

/** Submit, list, get and cancel tasks. */
export function taskRoutes(app: Hono<ApiEnv>): void {
  app.post(R.submitTask.path, async (c) => {
    const body = await readBody(c, R.submitTask.body, "task");
    const out = await c.var.client.submit({
      ...body,
      source: { kind: "api", author: c.var.principal },
    });
    return c.json(out, out.created ? 201 : 200);
  });

  app.get(R.listTasks.path, async (c) => {
    const q = readQuery(c, R.listTasks.query);
    const page = await c.var.client.list({
      states: q.state,
      waitReasons: q.waitReason,
      source: q.source,
      repo: q.repo,
      since: q.since !== undefined ? new Date(q.since) : undefined,
      until: q.until !== undefined ? new Date(q.until) : undefined,
      limit: q.limit,
    });
    return c.json({ tasks: page.records, total: page.total });
  });

  app.get(R.getTask.path, async (c) => {
    const { id } = readParams(c, R.getTask.params);
    const record = await c.var.client.get(id);
    if (!record) throw new ApiError(404, "NOT_FOUND", `no task ${id}`);
    return c.json(record);
  });

  app.post(R.cancelTask.path, async (c) => {
    const { id } = readParams(c, R.cancelTask.params);
    const { message } = await readBody(c, R.cancelTask.body);
    return c.json(await c.var.client.cancel(id, message));
  });
}
