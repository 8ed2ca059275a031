import type { Hono } from "hono";
import { API_ROUTES } from "@nightshift/client";
import type { ApiEnv } from "../env.ts";
import { readBody, readParams } from "../validate.ts";

const R = API_ROUTES;

/** Approvals, pause flags and the dead-letter queue. */
export function controlRoutes(app: Hono<ApiEnv>): void {
  for (const [route, decision] of [
    [R.approveTask, "approve"],
    [R.rejectTask, "reject"],
  ] as const) {
    app.post(route.path, async (c) => {
      const { id } = readParams(c, route.params);
      const { message } = await readBody(c, route.body);
      return c.json({ taskId: id, decision: await c.var.client.decide(id, decision, message) });
    });
  }

  app.get(R.pauseState.path, async (c) => c.json(await c.var.client.pauseState()));
  app.post(R.pause.path, async (c) =>
    c.json(await c.var.client.pause(await readBody(c, R.pause.body, "schedule"))),
  );
  app.post(R.resume.path, async (c) =>
    c.json(await c.var.client.resume(await readBody(c, R.resume.body, "schedule"))),
  );

  app.get(R.deadLetters.path, async (c) =>
    c.json({ deadLetters: await c.var.client.deadLetters() }),
  );
  app.post(R.redrive.path, async (c) => {
    const { ref } = readParams(c, R.redrive.params);
    return c.json(await c.var.client.redrive(ref));
  });
}
