import { ChannelError } from "../channel-error.ts";

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * POSTs a body and maps the answer: 2xx delivered; 408, 429, 5xx and network failures are
 * retryable (honouring Retry-After); any other status cannot succeed by repeating it.
 * `what` names the receiver in errors without revealing secret URLs.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "nightshift-notifier",
        ...headers,
      },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (err) {
    const msg =
      err instanceof Error && err.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : String(err);
    throw new ChannelError(`${what}: ${msg}`, { retryable: true, cause: err });
  }
  const text = (await res.text().catch(() => "")).slice(0, 300);
  if (res.ok) return;
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new ChannelError(`${what} answered ${res.status}${text ? `: ${text}` : ""}`, {
    retryable,
    retryAfterMs: retryAfterMs(res.headers.get("retry-after")),
  });
}
