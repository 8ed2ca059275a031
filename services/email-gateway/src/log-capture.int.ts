import { Writable } from "node:stream";
import { waitFor } from "@nightshift/testkit";

export function msgOf(record: Record<string, unknown>): string {
  const msg = record["msg"];
  return typeof msg === "string" ? msg : "";
}

/** Log records of the services, as written (JSON lines). */
export class LogCapture {
  readonly records: Record<string, unknown>[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() === "") continue;
        try {
          this.records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.records.push({ msg: line });
        }
      }
      done();
    },
  });

  messages(): string[] {
    return this.records.map(msgOf);
  }

  find(pattern: RegExp): Record<string, unknown> | undefined {
    return this.records.find((r) => pattern.test(msgOf(r)));
  }

  /** Waits for a record whose message matches. */
  waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    return waitFor(() => this.find(pattern), {
      timeoutMs,
      message: `a log line matching ${pattern}`,
    });
  }
}
