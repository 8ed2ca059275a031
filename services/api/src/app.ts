import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { busClient } from "@nightshift/client";
import type { Bus } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { authenticate, type Access } from "./access.ts";
import { dashboardRoutes, defaultDashboardFiles, type DashboardFiles } from "./dashboard.ts";
import type { ApiEnv } from "./env.ts";
import { ApiError, errorResponse, toApiError } from "./errors.ts";
import { openApiDocument } from "./openapi.ts";
import { controlRoutes } from "./routes/control.ts";
import { streamRoutes } from "./routes/streams.ts";
import { summaryRoutes } from "./routes/summaries.ts";
import { taskRoutes } from "./routes/tasks.ts";
import type { SeriesSampler } from "./series.ts";

export interface ApiAppOptions {
  bus: Bus;
  access: Access;
  maxBodyBytes: number;
  series: SeriesSampler;
  log: Logger;
  heartbeatMs?: number;
  dashboard?: DashboardFiles;
}

function authorize(access: Access, bus: Bus): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    let principal: string;
    if (access.mode === "off") throw new ApiError(503, "API_DISABLED", access.reason);
    if (access.mode === "open") principal = "local";
    else {
      const header = c.req.header("authorization");
      const name = authenticate(access.tokens, header);
      if (name === undefined) {
        throw new ApiError(
          401,
          "UNAUTHORIZED",
          header === undefined
            ? "send Authorization: Bearer <token> (a token from NIGHTSHIFT_API_TOKENS)"
            : "the bearer token is not one of NIGHTSHIFT_API_TOKENS",
        );
      }
      principal = name;
    }
    c.set("principal", principal);
    c.set("bus", bus);
    c.set("client", busClient(bus, { by: `api:${principal}` }));
    await next();
  };
}

/**
 * The HTTP API (`/api/v1/…`, `/api/openapi.json`) and the dashboard (`/dashboard/`), as
 * routes to mount on a service's HTTP app. Errors are JSON bodies with a `code`.
 */
export function createApiApp(o: ApiAppOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((err, c) => {
    const { error, internal } = toApiError(err);
    if (internal) o.log.error({ err, method: c.req.method, path: c.req.path }, "request failed");
    return errorResponse(c, error);
  });
  const doc = openApiDocument({ version: "1.0.0" });
  app.get("/api/openapi.json", (c) => c.json(doc));
  app.use("/api/v1/*", authorize(o.access, o.bus));
  app.use(
    "/api/v1/*",
    bodyLimit({
      maxSize: o.maxBodyBytes,
      onError: (c) =>
        errorResponse(
          c,
          new ApiError(
            413,
            "PAYLOAD_TOO_LARGE",
            `the request body is larger than ${o.maxBodyBytes} bytes (api.maxBodyBytes)`,
          ),
        ),
    }),
  );
  taskRoutes(app);
  controlRoutes(app);
  summaryRoutes(app, o.series);
  streamRoutes(app, { heartbeatMs: o.heartbeatMs ?? 15_000, log: o.log });
  app.all("/api/*", (c) =>
    errorResponse(c, new ApiError(404, "NOT_FOUND", `no endpoint ${c.req.method} ${c.req.path}`)),
  );
  dashboardRoutes(app, o.dashboard ?? defaultDashboardFiles());
  return app;
}
