import type { ApiErrorBody } from "@nightshift/client";

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
    this.code = code;
  }
}

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

const TOKEN_KEY = "nightshift.token";

/**
 * The token comes from `#token=…` once (then lives in this tab's session storage, and the
 * fragment is removed from the address bar), or from the form shown after a 401.
 */
export function takeToken(): string | undefined {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m?.[1] !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    const rest = location.hash
      .slice(1)
      .split("&")
      .filter((p) => !p.startsWith("token="));
    history.replaceState(
      null,
      "",
      location.pathname + location.search + (rest.length > 0 ? `#${rest.join("&")}` : ""),
    );
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** The HTTP API from the browser: bearer token, JSON errors, server-sent events over fetch. */
export class Api {
  readonly #token: () => string | undefined;
  constructor(token: () => string | undefined) {
    this.#token = token;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    const t = this.#token();
    return { ...extra, ...(t !== undefined ? { authorization: `Bearer ${t}` } : {}) };
  }

  async #check(res: Response): Promise<Response> {
    if (res.ok) return res;
    let code = "HTTP";
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as ApiErrorBody;
      code = body.error.code;
      message = body.error.message;
    } catch {
      // not our JSON error body: keep the status line
    }
    throw new ApiFailure(res.status, code, message);
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(path, { headers: this.#headers({ accept: "application/json" }) });
    return (await (await this.#check(res)).json()) as T;
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    const res = await fetch(path, {
      method: "POST",
      headers: this.#headers({ "content-type": "application/json" }),
      body: JSON.stringify(body),
    });
    return (await (await this.#check(res)).json()) as T;
  }

  /** A server-sent event stream; fetch rather than EventSource, which cannot send a token. */
  async *stream(path: string, signal: AbortSignal): AsyncGenerator<SseMessage> {
    const res = await this.#check(
      await fetch(path, { headers: this.#headers({ accept: "text/event-stream" }), signal }),
    );
    if (!res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let event = "";
    let data: string[] = [];
    let id: string | undefined;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, "");
          buffer = buffer.slice(nl + 1);
          if (line === "") {
            if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id };
            event = "";
            data = [];
          } else if (!line.startsWith(":")) {
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const v = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event = v;
            else if (field === "data") data.push(v);
            else if (field === "id") id = v;
          }
        }
      }
    } finally {
      reader.releaseLock();
    }
  }
}
