import { domainOf, domainsAlign } from "../addresses.ts";

export interface AuthResult {
  method: string;
  result: string;
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  authServId: string;
  results: AuthResult[];
}

/** Removes RFC 5322 comments `( … )`, which may nest and hold semicolons. */
function stripComments(value: string): string {
  let depth = 0;
  let out = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    else if (ch === ")" && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** Parses one `Authentication-Results` header value (RFC 8601). */
export function parseAuthResults(value: string): AuthResultsHeader {
  const parts = stripComments(value)
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean);
  const authServId = (parts.shift() ?? "").split(/\s+/)[0]?.toLowerCase() ?? "";
  const results: AuthResult[] = [];
  for (const part of parts) {
    const tokens = part.split(/\s+/).filter(Boolean);
    const first = tokens.shift();
    const m = first ? /^([a-z0-9_-]+)=([a-z]+)$/i.exec(first) : null;
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const t of tokens) {
      const eq = t.indexOf("=");
      if (eq > 0) props[t.slice(0, eq).toLowerCase()] = t.slice(eq + 1).replace(/^"|"$/g, "");
    }
    results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props });
  }
  return { authServId, results };
}

export type AuthRequirement = "none" | "dkim" | "spf" | "dkim-or-spf";

/**
 * Whether the sender's domain passed DKIM or SPF, aligned with the From domain. Only the
 * headers of the trusted server count: those with `authServId` when it is configured,
 * otherwise the topmost one, which the receiving server added last (a sender can forge
 * any header below it).
 */
export function authPasses(
  headers: readonly string[],
  from: string,
  requirement: AuthRequirement,
  authServId: string | undefined,
): { pass: boolean; detail: string } {
  if (requirement === "none") return { pass: true, detail: "not required" };
  const parsed = headers.map(parseAuthResults);
  const trusted =
    authServId === undefined
      ? parsed.slice(0, 1)
      : parsed.filter((h) => h.authServId === authServId.toLowerCase());
  if (trusted.length === 0) {
    return {
      pass: false,
      detail:
        authServId === undefined
          ? "no Authentication-Results header"
          : `no Authentication-Results header from ${authServId}`,
    };
  }
  const fromDomain = domainOf(from);
  const results = trusted.flatMap((h) => h.results);
  const dkim = results.some(
    (r) =>
      r.method === "dkim" &&
      r.result === "pass" &&
      domainsAlign(r.props["header.d"] ?? domainOf(r.props["header.i"] ?? ""), fromDomain),
  );
  const spf = results.some((r) => {
    if (r.method !== "spf" || r.result !== "pass") return false;
    const mailFrom = r.props["smtp.mailfrom"] ?? "";
    return domainsAlign(mailFrom.includes("@") ? domainOf(mailFrom) : mailFrom, fromDomain);
  });
  const pass = requirement === "dkim" ? dkim : requirement === "spf" ? spf : dkim || spf;
  const seen = results.map((r) => `${r.method}=${r.result}`).join(" ") || "no results";
  return {
    pass,
    detail: pass
      ? `${dkim ? "dkim" : "spf"} pass aligned with ${fromDomain}`
      : `${requirement} required, found: ${seen} (aligned with ${fromDomain}: dkim ${dkim ? "yes" : "no"}, spf ${spf ? "yes" : "no"})`,
  };
}
