// Test fixture: plays an executor that starts an agent through the launcher and then
// waits to be killed. Plain JavaScript so it runs without a build; it speaks the
// launcher's frames itself (see launcher/launcher.pl).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const marker = process.argv[2];
const launcher = spawn(
  "perl",
  [fileURLToPath(new URL("../launcher/launcher.pl", import.meta.url))],
  {
    stdio: ["pipe", "pipe", "inherit"],
    env: {},
  },
);
const frame = (...fields) => {
  const payload = Buffer.from(fields.join("\0"));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
};
let buf = Buffer.alloc(0);
launcher.stdout.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
    const op = String.fromCharCode(buf[4]);
    buf = buf.subarray(4 + buf.readUInt32BE(0));
    if (op === "R") {
      const argv = ["sh", "-c", `sleep 300 # ${marker}`];
      launcher.stdin.write(
        frame("S", "a", "0", "", "", "/tmp", argv.length, ...argv, `PATH=${process.env.PATH}`),
      );
    } else if (op === "P") {
      process.send("agent started");
    }
  }
});
