/** Lines that start the quoted original in a reply ("On Mon, Alice wrote:" and friends). */
const REPLY_HEADERS = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,100}:\s*$/i,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^el\b.{0,300}\bescribió:\s*$/i,
  /^op\b.{0,300}\bschreef\b.{0,100}:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}\s*$/i,
  /^-{2,}\s*ursprüngliche nachricht\s*-{2,}\s*$/i,
];

/** Outlook's header block: "From: …" followed shortly by "Sent:" or "Date:". */
function isOutlookHeader(lines: readonly string[], i: number): boolean {
  if (!/^\*?from:\s*\S/i.test(lines[i] ?? "")) return false;
  return lines.slice(i + 1, i + 5).some((l) => /^\*?(sent|date):\s*\S/i.test(l));
}

function isReplyHeader(lines: readonly string[], i: number): boolean {
  const line = (lines[i] ?? "").trim();
  if (REPLY_HEADERS.some((re) => re.test(line))) return true;
  // "On Mon, 1 Jan 2026 at 10:00, Alice <alice@example.com>\nwrote:" wraps in many clients.
  const next = (lines[i + 1] ?? "").trim();
  if (/^on\b/i.test(line) && /^wrote:\s*$/i.test(next)) return true;
  if (/^_{10,}\s*$/.test(line) && isOutlookHeader(lines, i + 1)) return true;
  return isOutlookHeader(lines, i);
}

/**
 * The new text of a mail: everything before the quoted original, without `>` quote lines
 * and without the signature. A mail that is nothing but quotes keeps its whole text, so
 * forwarding a quoted request still asks something.
 */
export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isReplyHeader(lines, i)) {
      end = i;
      break;
    }
  }
  const kept: string[] = [];
  for (const line of lines.slice(0, end)) {
    if (/^-- ?$/.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line.replace(/\s+$/, ""));
  }
  const out = kept
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return out === "" ? text.replace(/\r\n?/g, "\n").trim() : out;
}
