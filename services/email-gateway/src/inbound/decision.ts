export interface MailDecision {
  decision: "approve" | "reject";
  message: string | undefined;
}

/**
 * "approve" or "reject" as the first word of a reply's new text; whatever follows (on that
 * line and below) is the message. Anything else is not a decision.
 */
export function parseDecision(text: string): MailDecision | undefined {
  const trimmed = text.trim();
  const m = /^(approved?|reject(?:ed)?)\b[\s.:,;!\u2013\u2014-]*([\s\S]*)$/i.exec(trimmed);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase();
  const rest = (m[2] ?? "").trim();
  return {
    decision: word.startsWith("approve") ? "approve" : "reject",
    message: rest === "" ? undefined : rest.slice(0, 2000),
  };
}
