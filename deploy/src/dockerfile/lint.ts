import { validate } from "dockerfile-utils";
import { imageConfig, parseDockerfile, type Stage, type Step } from "./model.ts";

export interface LintProblem {
  line: number;
  rule: string;
  message: string;
}

const EXACT_VERSION = /^\d+\.\d+\.\d+([.-][0-9A-Za-z.-]+)?$/;

/** `node:24.21.0-trixie-slim` is pinned; `node:24`, `node:latest` and `node` are not. */
function pinnedImage(ref: string): boolean {
  if (ref.includes("@sha256:")) return true;
  const tag = ref.split("/").pop()?.split(":")[1];
  return tag !== undefined && /^\d+\.\d+\.\d+/.test(tag);
}

function runProblems(s: Step, args: Record<string, string>): LintProblem[] {
  const out: LintProblem[] = [];
  const cmd = s.args;
  const p = (rule: string, message: string): void => void out.push({ line: s.line, rule, message });
  if (/\bapt-get\s+(-\S+\s+)*install\b/.test(cmd)) {
    if (!/\s-y\b|--yes\b|--assume-yes\b/.test(cmd)) p("apt-yes", "apt-get install without -y");
    if (!cmd.includes("--no-install-recommends")) {
      p("apt-recommends", "apt-get install without --no-install-recommends");
    }
    if (!/rm -rf \/var\/lib\/apt\/lists/.test(cmd)) {
      p("apt-lists", "apt-get install without removing /var/lib/apt/lists in the same layer");
    }
  }
  if (/\bapt-get\s+update\b/.test(cmd) && !/\bapt-get\s+(-\S+\s+)*install\b/.test(cmd)) {
    p("apt-update-alone", "apt-get update in a layer of its own goes stale");
  }
  const npmGlobal = /\bnpm\s+(?:install|i)\b([^&|;]*)/g;
  for (const m of cmd.matchAll(npmGlobal)) {
    const words = (m[1] ?? "").trim().split(/\s+/).filter(Boolean);
    if (!words.includes("-g") && !words.includes("--global")) continue;
    for (const w of words.filter((x) => !x.startsWith("-"))) {
      const spec = w.replace(/^["']|["']$/g, "");
      const at = spec.lastIndexOf("@");
      const version = at > 0 ? spec.slice(at + 1) : "";
      const resolved = version.replace(
        /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/,
        (_x, name: string) => args[name] ?? "",
      );
      if (!EXACT_VERSION.test(resolved))
        p("npm-pin", `npm install -g ${spec} is not pinned to an exact version`);
    }
  }
  if (/\bcurl\b[^|]*\|\s*(ba)?sh\b/.test(cmd)) p("pipe-to-shell", "piping a download into a shell");
  return out;
}

/**
 * Dockerfile lint: dockerfile-utils' validator (the one behind the VS Code Docker extension)
 * plus hadolint-style rules for what this project promises: pinned base images and tools,
 * exec-form entrypoints, lean apt layers, a non-root user and an HTTP health check in every
 * image that is run (`targets`).
 */
export function lintDockerfile(text: string, targets: readonly string[]): LintProblem[] {
  const out: LintProblem[] = validate(text).map((d) => ({
    line: d.range.start.line + 1,
    rule: `dockerfile-utils:${String(d.code)}`,
    message: typeof d.message === "string" ? d.message : d.message.value,
  }));
  const model = parseDockerfile(text);
  const names = new Set(model.stages.map((s) => s.name).filter(Boolean));
  model.stages.forEach((stage: Stage, index) => {
    const stageLine = (stage.steps[0]?.line ?? 2) - 1;
    if (!names.has(stage.from) && !pinnedImage(stage.from)) {
      out.push({
        line: stageLine,
        rule: "pin-base",
        message: `FROM ${stage.from} is not pinned to a version`,
      });
    }
    const args: Record<string, string> = { ...model.globalArgs };
    for (const s of stage.steps) {
      if (s.keyword === "ARG") {
        const [k, v] = s.args.split("=", 2);
        if (k) args[k] = v ?? "";
        if (k && /TOKEN|PASSWORD|SECRET|API_KEY/i.test(k)) {
          out.push({
            line: s.line,
            rule: "no-secret-args",
            message: `ARG ${k} would keep a secret in the image history`,
          });
        }
      }
      if (s.keyword === "ENV") {
        for (const [k] of s.env) {
          if (/TOKEN|PASSWORD|SECRET|API_KEY/i.test(k)) {
            out.push({
              line: s.line,
              rule: "no-secret-env",
              message: `ENV ${k} bakes a secret into the image`,
            });
          }
        }
      }
      if (s.keyword === "RUN") out.push(...runProblems(s, args));
      if ((s.keyword === "ENTRYPOINT" || s.keyword === "CMD") && s.json === undefined) {
        out.push({
          line: s.line,
          rule: "exec-form",
          message: `${s.keyword} in shell form: signals would go to /bin/sh`,
        });
      }
      if (s.keyword === "ADD" && /https?:\/\//.test(s.args)) {
        out.push({
          line: s.line,
          rule: "no-add-url",
          message: "ADD from a URL: download in a RUN and verify it",
        });
      }
      const from = s.flags["from"];
      if (
        s.keyword === "COPY" &&
        typeof from === "string" &&
        !names.has(from) &&
        !pinnedImage(from)
      ) {
        out.push({
          line: s.line,
          rule: "copy-from",
          message: `COPY --from=${from} names no earlier stage`,
        });
      }
    }
    if (index === 0 && stage.name === undefined) {
      out.push({
        line: stageLine,
        rule: "stage-names",
        message: "name the stages (FROM … AS name)",
      });
    }
  });
  for (const target of targets) {
    if (!names.has(target)) {
      out.push({ line: 1, rule: "target", message: `no stage ${target} to build` });
      continue;
    }
    const cfg = imageConfig(model, target);
    const last = cfg.chain[cfg.chain.length - 1]?.steps.at(-1)?.line ?? 1;
    if (cfg.user === undefined || /^(root|0)(:|$)/.test(cfg.user)) {
      out.push({
        line: last,
        rule: "non-root",
        message: `image ${target} runs as ${cfg.user ?? "root"}`,
      });
    } else if (!/^\d+(:\d+)?$/.test(cfg.user)) {
      out.push({
        line: last,
        rule: "numeric-user",
        message: `image ${target}: USER ${cfg.user} is not numeric, so runAsNonRoot cannot verify it`,
      });
    }
    if (!cfg.entrypoint.some((a) => /(^|\/)(tini|dumb-init)$/.test(a))) {
      out.push({
        line: last,
        rule: "init",
        message: `image ${target} has no init process for signal forwarding`,
      });
    }
    const hc = cfg.healthcheck?.test.join(" ") ?? "";
    if (!/^node -e .*\/readyz/.test(hc)) {
      out.push({
        line: last,
        rule: "healthcheck",
        message: `image ${target} has no node health check on /readyz`,
      });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}
