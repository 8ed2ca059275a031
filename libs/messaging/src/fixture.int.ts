import { parseConfig } from "@nightshift/config";
import { startTestNats, type TestNats } from "@nightshift/testkit";
import { connectNats } from "./connect.ts";
import { openBus, type Bus } from "./bus.ts";
import { provision } from "./provision.ts";

export interface BusFixture {
  server: TestNats;
  bus: Bus;
  close(): Promise<void>;
}

/** A real nats-server, provisioned, with a bus open on it. */
export async function busFixture(natsOverrides: Record<string, unknown> = {}): Promise<BusFixture> {
  const server = await startTestNats();
  const { config } = parseConfig({ nats: natsOverrides }, {});
  const nc = await connectNats({ servers: server.url, name: "test" });
  await provision(nc, config.nats);
  const bus = await openBus(nc);
  return {
    server,
    bus,
    async close() {
      await nc.close();
      await server.dispose();
    },
  };
}
