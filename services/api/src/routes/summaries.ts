import type { Hono } from "hono";
import { API_ROUTES } from "@nightshift/client";
import type { ApiEnv } from "../env.ts";
import type { SeriesSampler } from "../series.ts";
import { readQuery } from "../validate.ts";

const R = API_ROUTES;

/** Queue and budget summaries, system status, services and the sampled series. */
export function summaryRoutes(app: Hono<ApiEnv>, series: SeriesSampler): void {
  app.get(R.queueSummary.path, async (c) => c.json(await c.var.client.queue()));
  app.get(R.budgetSummary.path, async (c) => {
    const { days } = readQuery(c, R.budgetSummary.query);
    return c.json(await c.var.client.budget({ days }));
  });
  app.get(R.status.path, async (c) => c.json(await c.var.client.status()));
  app.get(R.services.path, async (c) => c.json({ services: await c.var.client.services() }));
  app.get(R.series.path, (c) => c.json(series.series()));
}
