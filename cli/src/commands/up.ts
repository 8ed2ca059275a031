import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostServices, SERVICE_NAMES } from "@nightshift/host";
import { findNatsServer, freePort, startNatsServer } from "@nightshift/natsd";
import type { Command } from "../command.ts";
import { upStatePath, type UpState } from "../connection.ts";
import { serviceDefinitions } from "../services.ts";

async function preferredPort(port: number): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => void freePort().then(resolve));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(port)));
  });
}

export const up: Command = {
  name: "up",
  summary:
    "run the whole stack in this process (starts its own nats-server when NATS_URL is unset)",
  usage: "",
  options: {},
  run(args, io) {
    const defs = serviceDefinitions(io.env, io.cwd, { up: true });
    return hostServices(
      SERVICE_NAMES.map((n) => defs[n]),
      {
        name: "nightshift",
        env: io.env,
        configPath: args.config,
        async before(ctx, log, loaded, http) {
          const state = join(io.cwd, ".nightshift");
          mkdirSync(state, { recursive: true });
          let natsUrl = loaded.config.nats.url;
          const components = [];
          if (natsUrl === undefined) {
            const bin = await findNatsServer({ env: io.env, onProgress: (line) => log.info(line) });
            log.info(
              { path: bin.path, version: bin.version, origin: bin.origin },
              "starting nats-server",
            );
            const server = await startNatsServer({
              bin: bin.path,
              dir: join(state, "nats"),
              port: await preferredPort(4222),
              syncAlways: true,
              onLog: (line) => log.debug({ component: "nats-server" }, line),
            });
            ctx.releasers.push("nats-server", () => server.stop());
            natsUrl = server.url;
            components.push({
              name: "nats-server",
              ready: () => server.pid() !== undefined || "nats-server is not running",
              status: () => ({
                url: server.url,
                pid: server.pid(),
                version: bin.version,
                store: join(state, "nats"),
              }),
            });
          }
          const upState: UpState = {
            natsUrl,
            http: `http://${http.host}:${http.port}`,
            pid: process.pid,
          };
          writeFileSync(upStatePath(io.cwd), JSON.stringify(upState, null, 2));
          ctx.releasers.push("up state file", () => rmSync(upStatePath(io.cwd), { force: true }));
          log.info({ nats: natsUrl, http: upState.http }, "stack starting");
          return { natsUrl, components };
        },
      },
    );
  },
};
