import type { Readable } from "node:stream";

/** Calls `onLine` for each complete line of `stream`; the last partial line on end. Long lines are cut. */
export function forEachLine(
  stream: Readable,
  onLine: (line: string) => void,
  maxLine = 64 * 1024,
): Promise<void> {
  return new Promise((resolve) => {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, nl).replace(/\r$/, "").slice(0, maxLine));
        buf = buf.slice(nl + 1);
      }
      if (buf.length > maxLine) {
        onLine(buf.slice(0, maxLine));
        buf = "";
      }
    });
    const done = (): void => {
      if (buf.length > 0) onLine(buf.replace(/\r$/, ""));
      buf = "";
      resolve();
    };
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", () => resolve());
  });
}

/**
 * Waits for output streams to end after the process exited, but not forever: a process
 * that escaped and still holds the pipe must not hold up the task.
 */
export async function drainAfterExit(
  streams: Readable[],
  readers: Promise<void>[],
  graceMs = 1_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(readers),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const s of streams) s.destroy();
        resolve();
      }, graceMs);
    }),
  ]);
  if (timer) clearTimeout(timer);
}
