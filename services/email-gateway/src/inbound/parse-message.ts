import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { normaliseAddress } from "../addresses.ts";
import { capReferences, normaliseMessageId, oneLine } from "../headers.ts";
import { stripQuotedText } from "./strip-quotes.ts";

export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** A received mail, reduced to what the gateway decides on. Header values are raw, unfolded. */
export interface InboundMail {
  messageId: string;
  /** True when the mail had no usable Message-ID and one was derived from its content. */
  syntheticId: boolean;
  from: string | undefined;
  replyTo: string | undefined;
  to: string[];
  cc: string[];
  /** One line: line breaks and control characters removed. */
  subject: string;
  /** The new text: quotes and signature stripped, cut at the configured length. */
  text: string;
  inReplyTo: string | undefined;
  references: string[];
  headers: { key: string; value: string }[];
  attachments: MailAttachment[];
  /** Things worth a log line: unknown charsets, broken structure, a missing Message-ID. */
  problems: string[];
  /** The MIME structure is broken beyond use (a multipart body without parts). */
  malformed: boolean;
  /** A delivery status or disposition report (a bounce or read receipt). */
  isReport: boolean;
}

function addresses(obj: AddressObject | AddressObject[] | undefined): string[] {
  const list = obj === undefined ? [] : Array.isArray(obj) ? obj : [obj];
  const out: string[] = [];
  for (const o of list) {
    for (const a of o.value) {
      if (a.address) out.push(normaliseAddress(a.address));
      for (const g of a.group ?? []) if (g.address) out.push(normaliseAddress(g.address));
    }
  }
  return out;
}

function ids(value: string[] | string | undefined): string[] {
  const all = value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/);
  return all.map(normaliseMessageId).filter((v): v is string => v !== undefined);
}

function unknownCharsets(source: Buffer): string[] {
  const text = source.toString("latin1");
  const names = new Set<string>();
  for (const m of text.matchAll(/charset\s*=\s*"?([A-Za-z0-9._:+-]+)"?/gi)) names.add(m[1]!);
  for (const m of text.matchAll(/=\?([A-Za-z0-9._:+-]+)(?:\*[^?]*)?\?[bq]\?/gi)) names.add(m[1]!);
  return [...names].filter((name) => {
    try {
      new TextDecoder(name);
      return false;
    } catch {
      return true;
    }
  });
}

function headerList(parsed: ParsedMail): { key: string; value: string }[] {
  return parsed.headerLines.map((h) => {
    const colon = h.line.indexOf(":");
    const raw = colon === -1 ? "" : h.line.slice(colon + 1);
    return { key: h.key.toLowerCase(), value: raw.replace(/\r?\n[ \t]+/g, " ").trim() };
  });
}

export interface ParseOptions {
  maxBodyChars: number;
}

/** Parses a raw message with mailparser. Throws only when mailparser itself gives up. */
export async function parseMessage(source: Buffer, opts: ParseOptions): Promise<InboundMail> {
  const parsed = await simpleParser(source, { skipImageLinks: true });
  const problems: string[] = [];
  const headers = headerList(parsed);
  const contentType = parsed.headers.get("content-type");
  const ct =
    typeof contentType === "object" && contentType !== null && "value" in contentType
      ? (contentType as { value: string; params: Record<string, string> })
      : undefined;

  let messageId = normaliseMessageId(parsed.messageId);
  const syntheticId = messageId === undefined;
  if (messageId === undefined) {
    messageId = `<${createHash("sha256").update(source).digest("hex").slice(0, 40)}@nightshift.invalid>`;
    problems.push(`no Message-ID: using ${messageId}, derived from the content`);
  }

  const rawSubject = parsed.subject ?? "";
  const subject = oneLine(rawSubject);
  if (/[\r\n]/.test(rawSubject))
    problems.push("the subject contained line breaks; they were removed");

  for (const cs of unknownCharsets(source)) {
    problems.push(`unknown charset "${cs}": undecodable bytes were replaced`);
  }

  const fullText = parsed.text ?? "";
  const hasParts = fullText.trim() !== "" || parsed.html !== false || parsed.attachments.length > 0;
  const malformed = ct?.value.startsWith("multipart/") === true && !hasParts;
  if (malformed) {
    problems.push(
      `malformed MIME: a ${ct?.value} body without parts (boundary "${ct?.params["boundary"] ?? "?"}" never found)`,
    );
  }
  if (fullText.includes("\uFFFD") && !problems.some((p) => p.startsWith("unknown charset"))) {
    problems.push("the text holds bytes its charset cannot decode; they were replaced");
  }

  let text = stripQuotedText(fullText);
  if (text.length > opts.maxBodyChars) {
    text = `${text.slice(0, opts.maxBodyChars)}\n\n[the mail's text was cut at ${opts.maxBodyChars} characters]`;
  }

  const isReport =
    ct?.value === "multipart/report" ||
    parsed.attachments.some((a) =>
      /^message\/(delivery-status|disposition-notification)$/i.test(a.contentType),
    );

  return {
    messageId,
    syntheticId,
    from: addresses(parsed.from)[0],
    replyTo: addresses(parsed.replyTo)[0],
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject,
    text,
    inReplyTo: ids(parsed.inReplyTo)[0],
    references: capReferences(ids(parsed.references)),
    headers,
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      contentType: a.contentType,
      size: a.size,
      content: a.content,
    })),
    problems,
    malformed,
    isReport,
  };
}

/** Every value of a header, top to bottom. */
export function headerValues(mail: Pick<InboundMail, "headers">, key: string): string[] {
  const k = key.toLowerCase();
  return mail.headers.filter((h) => h.key === k).map((h) => h.value);
}
