import { createVerify } from "node:crypto";

interface Claims {
  iss?: string | number;
  iat?: number;
  exp?: number;
}

/**
 * Verifies a GitHub App JWT the way GitHub does: RS256 signed with the App's key, issued
 * by the App id, not expired, lifetime at most ten minutes. Returns the App id or why not.
 */
export function verifyAppJwt(
  token: string,
  publicKey: string,
  appId: string,
): { ok: true } | { ok: false; why: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, why: "A JSON web token could not be decoded" };
  const [h = "", p = "", s = ""] = parts;
  let header: { alg?: string };
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: string };
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Claims;
  } catch {
    return { ok: false, why: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") return { ok: false, why: "'alg' must be RS256" };
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${h}.${p}`);
  if (!verifier.verify(publicKey, Buffer.from(s, "base64url")))
    return { ok: false, why: "A JSON web token could not be decoded" };
  if (String(claims.iss) !== appId) return { ok: false, why: "'Issuer' claim ('iss') is invalid" };
  const nowSec = Math.floor(Date.now() / 1000);
  if (claims.exp === undefined || claims.exp < nowSec)
    return {
      ok: false,
      why: "'Expiration time' claim ('exp') must be a numeric value representing the future time",
    };
  if (claims.iat === undefined || claims.iat > nowSec + 60)
    return {
      ok: false,
      why: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    };
  if (claims.exp - claims.iat > 600)
    return { ok: false, why: "'Expiration time' claim ('exp') is too far in the future" };
  return { ok: true };
}
