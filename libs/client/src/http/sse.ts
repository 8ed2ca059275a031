/** One server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Parses a `text/event-stream` body (WHATWG rules: `data` lines joined by newlines, a blank
 * line ends an event, `:` lines are comments, a missing `event` means `message`).
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  const takeLines = function* (final: boolean): Generator<string> {
    for (;;) {
      const nl = buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer.startsWith("\r\n", nl) ? nl + 2 : nl + 1);
      yield line;
    }
    if (final && buffer.length > 0) {
      const rest = buffer;
      buffer = "";
      yield rest;
    }
  };
  const feed = (line: string): SseMessage | undefined => {
    if (line === "") {
      const out =
        data.length > 0 ? { event: event || "message", data: data.join("\n"), id } : undefined;
      event = "";
      data = [];
      return out;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
    return undefined;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of takeLines(false)) {
      const m = feed(line);
      if (m) yield m;
    }
  }
  buffer += decoder.decode();
  for (const line of takeLines(true)) {
    const m = feed(line);
    if (m) yield m;
  }
}
