import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";

export interface HttpServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

/** Serves a Hono app; resolves once listening. Port 0 picks a free port. */
export function startHttpServer(app: Hono, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onError = (err: Error): void => reject(err);
    server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      server?.off("error", onError);
      resolve({
        port: info.port,
        host,
        close: () =>
          new Promise<void>((res) => {
            if (
              "closeAllConnections" in server! &&
              typeof server.closeAllConnections === "function"
            ) {
              server.closeAllConnections();
            }
            server!.close(() => res());
          }),
      });
    });
    server.once("error", onError);
  });
}
