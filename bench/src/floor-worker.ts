// The floor: the least any JetStream-based dispatcher must do on this machine. A durable
// pull consumer with one outstanding pull per slot, spawn /bin/true, ack, report.
import { spawn } from "node:child_process";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

const [url, stream, slotsArg] = process.argv.slice(2);
const slots = Number(slotsArg ?? "1");
const nc = await connect({ servers: url ?? "" });
const jsm = await jetstreamManager(nc);
await jsm.consumers.add(stream ?? "", {
  durable_name: "floor",
  ack_policy: AckPolicy.Explicit,
  max_ack_pending: 10_000,
});
const js = jetstream(nc);
const consumer = await js.consumers.get(stream ?? "", "floor");
const enc = new TextEncoder();
let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});

async function slot(): Promise<void> {
  while (!stopping) {
    const m = await consumer.next({ expires: 1_000 });
    if (!m) continue;
    const publishedMs = Number(m.timestampNanos / 1_000n) / 1000;
    await new Promise<void>((resolve) => {
      const child = spawn("/bin/true", [], { stdio: "ignore" });
      child.once("spawn", () => {
        const dispatchMs = performance.timeOrigin + performance.now() - publishedMs;
        nc.publish(
          "bench.floor.spawned",
          enc.encode(JSON.stringify({ id: m.string(), dispatchMs })),
        );
      });
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    await m.ackAck();
    nc.publish("bench.floor.done", enc.encode(m.string()));
  }
}

process.stdout.write("ready\n");
await Promise.all(Array.from({ length: slots }, () => slot()));
await nc.drain();
