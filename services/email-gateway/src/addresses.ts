/** Lower-cased, trimmed, without angle brackets. */
export function normaliseAddress(address: string): string {
  return address.trim().replace(/^<|>$/g, "").toLowerCase();
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at === -1 ? "" : address.slice(at + 1).toLowerCase();
}

/** `agent+tag@example.com` → `agent@example.com`: sub-addresses reach the same mailbox. */
export function withoutTag(address: string): string {
  const a = normaliseAddress(address);
  const at = a.lastIndexOf("@");
  if (at === -1) return a;
  const local = a.slice(0, at).split("+")[0] ?? "";
  return `${local}@${a.slice(at + 1)}`;
}

/**
 * Whether an address is on a list of addresses and domains. Addresses match without their
 * `+tag`; a domain matches only itself (not its subdomains), so `example.com` does not let
 * `evil.example.com.attacker.net` or `sub.example.com` in.
 */
export function onList(address: string, list: readonly string[]): boolean {
  const a = withoutTag(address);
  const d = domainOf(a);
  return list.some((entry) => {
    const e = entry.toLowerCase();
    return e.includes("@") ? withoutTag(e) === a : e === d;
  });
}

/** Local parts of senders nobody can answer: no-reply addresses, bounce handlers. */
const NO_REPLY =
  /^(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|mailerdaemon)([+._-].*)?$/i;

export function isNoReply(address: string): boolean {
  const a = normaliseAddress(address);
  return NO_REPLY.test(a.slice(0, Math.max(0, a.lastIndexOf("@"))));
}

/** Whether two domains align in DMARC's relaxed sense (one is the other or a subdomain of it). */
export function domainsAlign(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, "");
  const y = b.toLowerCase().replace(/\.$/, "");
  if (x === "" || y === "") return false;
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}
