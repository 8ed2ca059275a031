import { z } from "zod";

const optional = z.string().min(1).optional();

/**
 * Secrets come from the environment only, never from `nightshift.yml`, and never have
 * defaults. Features that need one check for it when they are enabled.
 */
export const Secrets = z.object({
  NATS_USER: optional,
  NATS_PASSWORD: optional,
  NATS_TOKEN: optional,
  NATS_CREDS: optional,
  GITHUB_TOKEN: optional,
  GITHUB_APP_ID: optional,
  GITHUB_APP_PRIVATE_KEY: optional,
  GITHUB_WEBHOOK_SECRET: optional,
  ANTHROPIC_API_KEY: optional,
  /** A Claude subscription's token for the claude-code backend (`claude setup-token`). */
  CLAUDE_CODE_OAUTH_TOKEN: optional,
  OPENAI_API_KEY: optional,
  LINEAR_API_KEY: optional,
  IMAP_PASSWORD: optional,
  SMTP_PASSWORD: optional,
  SLACK_WEBHOOK_URL: optional,
  NIGHTSHIFT_API_TOKENS: optional,
  /** The token the CLI sends when it talks to the API (`NIGHTSHIFT_API_URL`). */
  NIGHTSHIFT_API_TOKEN: optional,
});
export type Secrets = z.infer<typeof Secrets>;

/** Names, not secrets: redacting them would blank out every log line that names a service. */
const IDENTIFIERS: ReadonlySet<string> = new Set(["NATS_USER", "GITHUB_APP_ID"]);

/** Every secret value present, for log redaction and the pre-push secret scan. */
export function secretValues(secrets: Secrets): string[] {
  return Object.entries(secrets)
    .filter(([k]) => !IDENTIFIERS.has(k))
    .map(([, v]) => v)
    .filter((v): v is string => typeof v === "string" && v.length >= 4);
}
