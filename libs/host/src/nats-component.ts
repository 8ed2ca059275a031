import type { NatsConnection } from "@nightshift/messaging";
import type { Component } from "@nightshift/runtime";

/** Tracks the connection's state from its status stream, for `/readyz` and `/status`. */
export function natsComponent(nc: NatsConnection, onStatus?: (type: string) => void): Component {
  let connected = true;
  let lastChange = Date.now();
  let reconnects = 0;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "close") {
        connected = false;
        lastChange = Date.now();
      } else if (s.type === "reconnect") {
        connected = true;
        reconnects++;
        lastChange = Date.now();
      }
      onStatus?.(s.type);
    }
  })().catch(() => undefined);
  return {
    name: "nats",
    ready: () => (connected && !nc.isClosed() ? true : "not connected to NATS"),
    status: () => ({
      server: nc.getServer(),
      version: nc.info?.version,
      connected,
      since: new Date(lastChange).toISOString(),
      reconnects,
    }),
  };
}
