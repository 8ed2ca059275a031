// The BullMQ baseline's worker: `concurrency` jobs at once, each spawns /bin/true, like
// the floor's and nightshift's workers. Reports to the bench over IPC.
import { spawn } from "node:child_process";
import { Worker } from "bullmq";

const [portArg, queueName, slotsArg] = process.argv.slice(2);
const send = (m: unknown): void => void process.send?.(m);

const worker = new Worker(
  queueName ?? "",
  async (job) => {
    const { id, sentAt } = job.data as { id: string; sentAt: number };
    await new Promise<void>((resolve) => {
      const child = spawn("/bin/true", [], { stdio: "ignore" });
      child.once("spawn", () =>
        send({
          op: "spawned",
          id,
          dispatchMs: performance.timeOrigin + performance.now() - sentAt,
        }),
      );
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
  },
  {
    connection: { host: "127.0.0.1", port: Number(portArg), maxRetriesPerRequest: null },
    concurrency: Number(slotsArg ?? "1"),
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  },
);
worker.on("completed", (job) => send({ op: "done", id: (job.data as { id: string }).id }));
await worker.waitUntilReady();
send({ op: "ready" });
process.on("SIGTERM", () => {
  void worker.close().then(() => process.exit(0));
});
