import { appendFileSync } from "node:fs";
import { createServer } from "node:net";

export interface ExecutionLog {
  port: number;
  close(): Promise<void>;
}

/**
 * The agent's execution log: agents run sandboxed (they can write only their workspace and
 * home), so they report each `start` and `end` line over TCP on loopback; every complete
 * line is appended to `file`.
 */
export async function startExecutionLog(file: string): Promise<ExecutionLog> {
  const server = createServer((socket) => {
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const nl = buffered.lastIndexOf("\n");
      if (nl < 0) return;
      appendFileSync(file, buffered.slice(0, nl + 1));
      buffered = buffered.slice(nl + 1);
    });
    // A killed agent's connection resets; what it sent before is kept.
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
