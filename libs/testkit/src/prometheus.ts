export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

export class PrometheusParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "PrometheusParseError";
    this.line = line;
  }
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: number): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "+inf" || lower === "inf") return Number.POSITIVE_INFINITY;
  if (lower === "-inf") return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new PrometheusParseError(line, `"${text}" is not a number`);
  return Number(text);
}

/** Parses `{a="x",b="y\"z"}` starting at `i`; returns the labels and the index after `}`. */
function parseLabels(s: string, i: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++; // "{"
  for (;;) {
    if (s[i] === "}") return [labels, i + 1];
    const eq = s.indexOf("=", i);
    if (eq < 0) throw new PrometheusParseError(line, "label without =");
    const name = s.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new PrometheusParseError(line, `invalid label name "${name}"`);
    if (name.startsWith("__"))
      throw new PrometheusParseError(line, `reserved label name "${name}"`);
    if (name in labels) throw new PrometheusParseError(line, `label "${name}" appears twice`);
    if (s[eq + 1] !== '"')
      throw new PrometheusParseError(line, `label "${name}" value is not quoted`);
    let j = eq + 2;
    let value = "";
    for (;;) {
      const c = s[j];
      if (c === undefined) throw new PrometheusParseError(line, "unterminated label value");
      if (c === '"') break;
      if (c === "\\") {
        const n = s[j + 1];
        if (n === "\\") value += "\\";
        else if (n === '"') value += '"';
        else if (n === "n") value += "\n";
        else throw new PrometheusParseError(line, `invalid escape \\${n ?? ""} in label value`);
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (s[i] === ",") i++;
    else if (s[i] !== "}") throw new PrometheusParseError(line, "expected , or } after a label");
  }
}

function familyOf(name: string, families: Map<string, MetricFamily>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const f = families.get(base);
    if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket")))
      return base;
  }
  return name;
}

function key(s: Sample): string {
  return `${s.name}{${Object.entries(s.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;
}

function checkHistogram(f: MetricFamily): void {
  const groups = new Map<string, Sample[]>();
  const counts = new Map<string, number>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const k = key({ name: "", labels: rest, value: 0 });
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new PrometheusParseError(0, `${f.name}: bucket without le`);
      groups.set(k, [...(groups.get(k) ?? []), s]);
    } else if (s.name.endsWith("_count")) counts.set(k, s.value);
  }
  for (const [k, buckets] of groups) {
    let prevLe = Number.NEGATIVE_INFINITY;
    let prev = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels["le"] ?? "", 0);
      if (!(le > prevLe)) throw new PrometheusParseError(0, `${f.name}${k}: le not increasing`);
      if (b.value < prev)
        throw new PrometheusParseError(0, `${f.name}${k}: buckets not cumulative`);
      prevLe = le;
      prev = b.value;
    }
    if (prevLe !== Number.POSITIVE_INFINITY)
      throw new PrometheusParseError(0, `${f.name}${k}: no le="+Inf" bucket`);
    if (counts.get(k) !== prev)
      throw new PrometheusParseError(0, `${f.name}${k}: _count differs from the +Inf bucket`);
  }
}

/**
 * A strict parser of the Prometheus text exposition format (0.0.4): names, label syntax and
 * escapes, values, one TYPE and HELP per family before its samples, families not split,
 * no duplicate series, counters not negative, histograms cumulative with a +Inf bucket
 * equal to `_count`. Every sample must belong to a family declared by `# TYPE`.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  const typed = new Set<string>();
  const finished = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, line: number): void => {
    if (current === name) return;
    if (finished.has(name)) throw new PrometheusParseError(line, `family ${name} is split`);
    if (current !== undefined) finished.add(current);
    current = name;
  };
  if (text.length > 0 && !text.endsWith("\n"))
    throw new PrometheusParseError(text.split("\n").length, "the text must end with a newline");
  text.split("\n").forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // other comments are allowed
      const [, kind, name = "", rest = ""] = m;
      if (!METRIC.test(name)) throw new PrometheusParseError(line, `invalid metric name "${name}"`);
      enter(name, line);
      const f = families.get(name) ?? { name, type: "untyped", help: undefined, samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest.trim())) throw new PrometheusParseError(line, `unknown type "${rest}"`);
        if (typed.has(name)) throw new PrometheusParseError(line, `second TYPE for ${name}`);
        if (f.samples.length > 0)
          throw new PrometheusParseError(line, `TYPE after samples of ${name}`);
        f.type = rest.trim() as MetricType;
        typed.add(name);
      } else {
        if (f.help !== undefined) throw new PrometheusParseError(line, `second HELP for ${name}`);
        f.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      }
      families.set(name, f);
      return;
    }
    const nameEnd = raw.search(/[{\s]/);
    if (nameEnd <= 0) throw new PrometheusParseError(line, "a sample needs a name and a value");
    const name = raw.slice(0, nameEnd);
    if (!METRIC.test(name)) throw new PrometheusParseError(line, `invalid metric name "${name}"`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (raw[i] === "{") [labels, i] = parseLabels(raw, i, line);
    const parts = raw.slice(i).trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === "")
      throw new PrometheusParseError(line, "expected a value and an optional timestamp");
    const value = parseValue(parts[0] as string, line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1]))
      throw new PrometheusParseError(line, `invalid timestamp "${parts[1]}"`);
    const familyName = familyOf(name, families);
    const f = families.get(familyName);
    if (!f || !typed.has(familyName))
      throw new PrometheusParseError(line, `sample ${name} has no # TYPE before it`);
    enter(familyName, line);
    if (f.type === "counter" && value < 0)
      throw new PrometheusParseError(line, `counter ${name} is negative`);
    const sample: Sample = { name, labels, value };
    const k = key(sample);
    if (seen.has(k)) throw new PrometheusParseError(line, `duplicate series ${k}`);
    seen.add(k);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}
