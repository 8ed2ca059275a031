import Anthropic from "@anthropic-ai/sdk";
import type {
  MessageParam,
  Tool,
  TextBlockParam,
  Message,
} from "@anthropic-ai/sdk/resources/messages/messages";
import { rateLimitFromHeaders } from "./rate-limit.ts";
import type { RateLimitSignal } from "./types.ts";

export type { MessageParam, Tool, TextBlockParam, Message };

/** The Messages API refused: rate limited, overloaded or broken, or the request was wrong. */
export class ModelApiError extends Error {
  readonly code = "MODEL_API" as const;
  /** HTTP status, if there was a response. */
  readonly status: number | undefined;
  /** Set for 429s: when to try again. */
  readonly rateLimit: RateLimitSignal | undefined;
  /** A later attempt may succeed (429, 5xx, 529, connection problems). */
  readonly transient: boolean;
  constructor(
    message: string,
    opts: {
      status?: number | undefined;
      rateLimit?: RateLimitSignal;
      transient: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: opts.cause });
    this.name = "ModelApiError";
    this.status = opts.status;
    this.rateLimit = opts.rateLimit;
    this.transient = opts.transient;
  }
}

/** The run was aborted while a request was in flight. */
export class ModelRequestAborted extends Error {
  readonly code = "ABORTED" as const;
  constructor() {
    super("request aborted");
    this.name = "ModelRequestAborted";
  }
}

export interface ModelRequest {
  model: string;
  maxTokens: number;
  system: TextBlockParam[];
  tools: Tool[];
  messages: MessageParam[];
}

export interface ModelClient {
  /** Streams one response; `onText` gets each completed text block. */
  send(req: ModelRequest, signal: AbortSignal, onText: (text: string) => void): Promise<Message>;
}

export interface ModelClientOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** 0–1: JetStream owns retries. */
  maxRetries: number;
  rateLimitFallbackMs: number;
  now?: () => number;
}

/** The one place that talks to @anthropic-ai/sdk and turns its errors into ours. */
export function anthropicClient(opts: ModelClientOptions): ModelClient {
  const client = new Anthropic({
    apiKey: opts.apiKey,
    ...(opts.baseURL !== undefined ? { baseURL: opts.baseURL } : {}),
    maxRetries: opts.maxRetries,
  });
  const now = opts.now ?? Date.now;
  return {
    async send(req, signal, onText) {
      try {
        const stream = client.messages.stream(
          {
            model: req.model,
            max_tokens: req.maxTokens,
            system: req.system,
            tools: req.tools,
            messages: req.messages,
          },
          { signal },
        );
        stream.on("contentBlock", (block) => {
          if (block.type === "text" && block.text !== "") onText(block.text);
        });
        return await stream.finalMessage();
      } catch (err) {
        throw mapError(err, now(), opts.rateLimitFallbackMs);
      }
    },
  };
}

function mapError(err: unknown, now: number, fallbackMs: number): Error {
  if (err instanceof Anthropic.APIUserAbortError) return new ModelRequestAborted();
  if (err instanceof Anthropic.RateLimitError)
    return new ModelApiError(err.message, {
      status: 429,
      rateLimit: rateLimitFromHeaders(err.headers, now, fallbackMs, err.message),
      transient: true,
      cause: err,
    });
  if (err instanceof Anthropic.APIConnectionError)
    return new ModelApiError(err.message, { transient: true, cause: err });
  if (err instanceof Anthropic.APIError) {
    const status = typeof err.status === "number" ? err.status : undefined;
    return new ModelApiError(err.message, {
      status,
      transient: status === undefined || status >= 500 || status === 408 || status === 409,
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}
