import { Webhooks } from "@octokit/webhooks";

/**
 * Checks `X-Hub-Signature-256` of a webhook delivery against the shared secret (HMAC-SHA256
 * of the raw body, compared in constant time by @octokit/webhooks).
 */
export function webhookVerifier(
  secret: string,
): (body: string, signature: string | undefined) => Promise<boolean> {
  const webhooks = new Webhooks({ secret });
  return async (body, signature) => {
    if (!signature?.startsWith("sha256=")) return false;
    try {
      return await webhooks.verify(body, signature);
    } catch {
      return false;
    }
  };
}
