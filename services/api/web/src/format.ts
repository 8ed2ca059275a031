export function ago(iso: string | undefined, now = Date.now()): string {
  if (iso === undefined) return "-";
  return `${span(now - Date.parse(iso))} ago`;
}

export function span(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  const hours = Math.floor(m / 60);
  return hours < 48 ? `${hours}h${m % 60}m` : `${Math.floor(hours / 24)}d`;
}

export function money(usd: number): string {
  return usd >= 100 ? `$${usd.toFixed(0)}` : usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(3)}`;
}

export function firstLine(text: string, max = 80): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The last path segment of a repository URL or path. */
export function repoName(url: string | undefined): string {
  if (url === undefined) return "";
  return (
    url
      .replace(/\/+$/, "")
      .replace(/\.git$/, "")
      .split(/[/:]/)
      .pop() ?? url
  );
}

export function clock(iso: string): string {
  return iso.slice(11, 19);
}
