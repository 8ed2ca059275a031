// Runs inside a sandbox without a network of its own: listens on 127.0.0.1:<port>, relays
// each connection to the executor's egress proxy on a unix socket, and runs the agent.
// Usage: egress-forwarder.mjs <socket> <port> -- <command> [args...]
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

const [socketPath, port, sep, cmd, ...args] = process.argv.slice(2);
if (!socketPath || !port || sep !== "--" || !cmd) {
  process.stderr.write("usage: egress-forwarder.mjs <socket> <port> -- <command> [args...]\n");
  process.exit(2);
}

const server = createServer((client) => {
  const upstream = connect(socketPath);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
});

server.listen(Number(port), "127.0.0.1", () => {
  const child = spawn(cmd, args, { stdio: "inherit" });
  // The agent gets the process group's signals itself; this process stays until it exits,
  // so the agent keeps its grace period before the sandbox is torn down.
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => undefined);
  child.on("error", (err) => {
    process.stderr.write(`${cmd}: ${err.message}\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    server.close();
    if (signal) {
      // Die the same way, so the executor sees the agent's signal.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
});
