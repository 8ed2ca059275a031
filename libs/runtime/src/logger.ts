import pino, { type Logger } from "pino";

export interface LoggerOptions {
  level: string;
  format: "json" | "pretty";
  /** Bound to every record (`service`). */
  base: Record<string, unknown>;
  /** Values to blank out wherever they appear in a record (tokens, keys, passwords). */
  secrets: readonly string[];
  /** Destination; standard error by default so command output stays clean on stdout. */
  destination?: NodeJS.WritableStream;
}

/** Field paths whose values never reach a log, whatever they contain. */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "secret",
  "*.secret",
  "email.body",
  "*.email.body",
];

const TOKEN_PATTERNS = [
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /sk-ant-[A-Za-z0-9_-]{20,}/g,
  /sk-[A-Za-z0-9]{32,}/g,
  /xox[baprs]-[A-Za-z0-9-]{10,}/g,
];

/** Replaces known secret values and common token shapes in text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join("[REDACTED]");
  }
  for (const p of TOKEN_PATTERNS) out = out.replace(p, "[REDACTED]");
  return out;
}

function prettyLine(line: string): string {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    const { level, time, msg, service, pid: _pid, hostname: _h, ...rest } = r;
    const names: Record<number, string> = {
      10: "TRACE",
      20: "DEBUG",
      30: "INFO",
      40: "WARN",
      50: "ERROR",
      60: "FATAL",
    };
    const t = new Date(typeof time === "number" ? time : Date.now()).toISOString().slice(11, 23);
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
    return `${t} ${(names[level as number] ?? String(level)).padEnd(5)} [${typeof service === "string" ? service : "-"}] ${typeof msg === "string" ? msg : ""}${extra}\n`;
  } catch {
    return line;
  }
}

/**
 * The process's one logger. Secret values are removed from every serialised record, on
 * top of the path-based redaction, so a token inside an error message is blanked too.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const secrets = [...opts.secrets].sort((a, b) => b.length - a.length);
  const dest = opts.destination ?? process.stderr;
  return pino(
    {
      level: opts.level,
      base: opts.base,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      hooks: {
        streamWrite: (s: string) => {
          const clean = redactText(s, secrets);
          return opts.format === "pretty" ? prettyLine(clean) : clean;
        },
      },
    },
    dest as pino.DestinationStream,
  );
}
