import { describe, expect, it } from "vitest";
import { parseSse, type SseMessage } from "./sse.ts";

async function collect(chunks: string[]): Promise<SseMessage[]> {
  const enc = new TextEncoder();
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield await Promise.resolve(enc.encode(c));
  }
  const out: SseMessage[] = [];
  for await (const m of parseSse(body())) out.push(m);
  return out;
}

describe("parseSse", () => {
  it("joins data lines, keeps ids, skips comments and handles chunks split anywhere", async () => {
    const text =
      ': hello\n\nid: 7\nevent: state\ndata: {"a":\ndata: 1}\n\ndata: plain\r\n\r\nevent: end\ndata: x\n\n';
    const whole = await collect([text]);
    expect(whole).toEqual([
      { event: "state", data: '{"a":\n1}', id: "7" },
      { event: "message", data: "plain", id: "7" },
      { event: "end", data: "x", id: "7" },
    ]);
    const split = await collect(text.split(""));
    expect(split).toEqual(whole);
  });

  it("dispatches nothing for an event without data, and ends an unterminated last line", async () => {
    expect(await collect(["event: ping\n\n", "data: last"])).toEqual([]);
    expect(await collect(["data: last\n"])).toEqual([]);
    expect(await collect(["data: last\n\n"])).toEqual([
      { event: "message", data: "last", id: undefined },
    ]);
  });
});
