/** Replaces C0 control characters and DEL (CR and LF among them) with spaces. */
function controlsToSpaces(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? " " : ch;
  }
  return out;
}

/** `<left@right>` without spaces or control characters, or undefined when that is not left. */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bracketed = /<([^<>]+)>/.exec(value)?.[1] ?? value;
  const clean = controlsToSpaces(bracketed)
    .replace(/[\s<>]/g, "")
    .slice(0, 500);
  // RFC 5322: id-left "@" id-right. Anything else is not an id worth threading on.
  return /^[^@]+@[^@]+$/.test(clean) ? `<${clean}>` : undefined;
}

/** A header value as one line: CR, LF and other control characters become spaces. */
export function oneLine(value: string, max = 250): string {
  return controlsToSpaces(value)
    .replace(/\s{2,}/g, " ")
    .trim()
    .slice(0, max);
}

/** A References list kept short: the root and the most recent ids (RFC 5322 suggests trimming). */
export function capReferences(ids: readonly string[], max = 20): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= max ? unique : [unique[0]!, ...unique.slice(-(max - 1))];
}

/** `Re: <subject>`, without piling up prefixes. */
export function replySubject(subject: string): string {
  const s = oneLine(subject);
  if (s === "") return "Re: your request";
  return /^(re|aw|sv|antw)\s*:/i.test(s) ? s : `Re: ${s}`;
}
