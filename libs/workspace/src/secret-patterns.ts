/** A kind of credential recognisable by its shape. */
export interface TokenPattern {
  name: string;
  regex: RegExp;
}

/**
 * Shapes of common credentials. Each is specific enough that a hit in a diff is almost
 * certainly a real token (or a realistic fake, which does not belong in a push either).
 */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { name: "GitHub token", regex: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { name: "GitHub fine-grained token", regex: /\bgithub_pat_[A-Za-z0-9_]{50,255}\b/ },
  { name: "Anthropic API key", regex: /\bsk-ant-[a-z]{2,10}\d{0,3}-[A-Za-z0-9_-]{32,}/ },
  {
    name: "OpenAI API key",
    regex:
      /\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})/,
  },
  { name: "Slack token", regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  {
    name: "Slack webhook URL",
    regex: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/,
  },
  // AWS's documentation uses key ids ending in EXAMPLE; those are not credentials.
  { name: "AWS access key id", regex: /\b(?:AKIA|ASIA)(?![A-Z0-9]{9}EXAMPLE)[A-Z0-9]{16}\b/ },
  {
    name: "AWS secret access key",
    regex: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}\b/i,
  },
  { name: "private key", regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
];

/** A secret value of the executor (GITHUB_TOKEN …) with the name it is reported by. */
export interface KnownSecret {
  name: string;
  value: string;
}

/** Values shorter than this are too common to scan for without blocking ordinary diffs. */
export const MIN_SECRET_LENGTH = 8;

/** What in `text` looks like a credential: the names of the patterns and secrets it holds. */
export function secretsIn(text: string, known: readonly KnownSecret[]): string[] {
  const hits: string[] = [];
  for (const s of known) {
    if (s.value.length >= MIN_SECRET_LENGTH && text.includes(s.value))
      hits.push(`the value of ${s.name}`);
  }
  for (const p of TOKEN_PATTERNS)
    if (p.regex.test(text)) hits.push(`${/^[AEIOU]/i.test(p.name) ? "an" : "a"} ${p.name}`);
  return hits;
}
