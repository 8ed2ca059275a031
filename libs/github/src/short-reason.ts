import { redactText } from "@nightshift/runtime";

const MAX = 280;

/**
 * A failure reason fit for a public issue: one or two sentences, no stack trace, no path
 * of an internal file, no secret (known values and token shapes are blanked).
 */
export function shortReason(
  reason: string | undefined,
  detail: string | undefined,
  secrets: readonly string[],
): string {
  const lines = (detail ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^at\s/.test(l) && !/^(Error|\w+Error):\s*$/.test(l));
  const first = lines[0]?.replace(/\s+at\s+\S+\s*\(.*\)$/, "") ?? "";
  let text = [reason, first].filter((s): s is string => !!s).join(": ");
  text = redactText(text, secrets).replace(/\/(?:home|root|tmp|var|usr)\/[^\s:'")]+/g, "<path>");
  if (text.length > MAX) text = `${text.slice(0, MAX - 1)}…`;
  return text || "unknown failure";
}
