// Test fixture: plays an executor that starts an agent through the launcher and then
// waits to be killed. Plain JavaScript so it runs without a build.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const marker = process.argv[2];
const launcher = fork(fileURLToPath(new URL("../launcher/launcher.mjs", import.meta.url)), [], {
  serialization: "advanced",
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
launcher.on("message", (m) => {
  if (m.op === "ready") {
    launcher.send({
      op: "spawn",
      id: "a",
      argv: ["sh", "-c", `sleep 300 # ${marker}`],
      cwd: "/tmp",
      env: { PATH: process.env.PATH },
    });
  } else if (m.op === "spawned") {
    process.send("agent started");
  }
});
