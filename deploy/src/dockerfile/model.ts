import {
  DockerfileParser,
  Env,
  From,
  JSONInstruction,
  ModifiableInstruction,
  type Instruction,
} from "dockerfile-ast";

/** One instruction: keyword, arguments without flags, flags by name, and JSON form if used. */
export interface Step {
  keyword: string;
  args: string;
  flags: Record<string, string | null>;
  /** The exec form (`["a", "b"]`) when the arguments are a JSON array. */
  json: string[] | undefined;
  /** ENV pairs. */
  env: [string, string][];
  line: number;
}

export interface Stage {
  name: string | undefined;
  /** The image or earlier stage it starts from, with global ARGs substituted. */
  from: string;
  steps: Step[];
}

export interface DockerfileModel {
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b) => {
    const v = vars[(a ?? b) as string];
    return v ?? m;
  });
}

function step(i: Instruction): Step {
  const json =
    i instanceof JSONInstruction && i.getJSONStrings().length > 0
      ? i.getJSONStrings().map((s) => s.getJSONValue())
      : undefined;
  const flags =
    i instanceof ModifiableInstruction
      ? Object.fromEntries(i.getFlags().map((f) => [f.getName(), f.getValue()]))
      : {};
  const env =
    i instanceof Env
      ? i.getProperties().map((p): [string, string] => [p.getName(), p.getValue() ?? ""])
      : [];
  return {
    keyword: i.getKeyword(),
    args: i.getArgumentsContent() ?? "",
    flags,
    json,
    env,
    line: i.getRange().start.line + 1,
  };
}

/** Parses a Dockerfile into stages of steps (multi-line instructions joined). */
export function parseDockerfile(text: string): DockerfileModel {
  const df = DockerfileParser.parse(text);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const i of df.getInstructions()) {
    if (i instanceof From) {
      stages.push({
        name: i.getBuildStage() ?? undefined,
        from: substitute(i.getImage() ?? "", globalArgs),
        steps: [],
      });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current === undefined) {
      if (i.getKeyword() === "ARG") {
        const [name, value] = (i.getArgumentsContent() ?? "").split("=", 2);
        if (name) globalArgs[name] = value ?? "";
      }
      continue;
    }
    current.steps.push(step(i));
  }
  return { globalArgs, stages };
}

/** What a container started from a stage gets: its environment, directory, user and commands. */
export interface ImageConfig {
  env: Record<string, string>;
  workdir: string;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
  healthcheck: { test: string[]; flags: Record<string, string | null> } | undefined;
  /** Stages from the base image to this one. */
  chain: Stage[];
}

function execForm(s: Step): string[] {
  return s.json ?? ["/bin/sh", "-c", s.args];
}

/** The image configuration of `target`, following its FROM chain through earlier stages. */
export function imageConfig(model: DockerfileModel, target: string): ImageConfig {
  const chain: Stage[] = [];
  let name: string | undefined = target;
  while (name !== undefined) {
    const stage = model.stages.find((s) => s.name === name);
    if (stage === undefined) break;
    chain.unshift(stage);
    name = stage.from;
  }
  if (chain.length === 0) throw new Error(`Dockerfile has no stage "${target}"`);
  const cfg: ImageConfig = {
    env: {},
    workdir: "/",
    user: undefined,
    entrypoint: [],
    cmd: [],
    healthcheck: undefined,
    chain,
  };
  for (const stage of chain) {
    for (const s of stage.steps) {
      switch (s.keyword) {
        case "ENV":
          for (const [k, v] of s.env) cfg.env[k] = substitute(v, cfg.env);
          break;
        case "WORKDIR":
          cfg.workdir = substitute(s.args, cfg.env);
          break;
        case "USER":
          cfg.user = s.args;
          break;
        case "ENTRYPOINT":
          cfg.entrypoint = execForm(s);
          cfg.cmd = [];
          break;
        case "CMD":
          cfg.cmd = execForm(s);
          break;
        case "HEALTHCHECK": {
          const m = /^CMD\s+(.*)$/s.exec(s.args);
          const body = m?.[1]?.trim() ?? "";
          cfg.healthcheck =
            s.args.trim() === "NONE"
              ? undefined
              : {
                  test: body.startsWith("[")
                    ? (JSON.parse(body) as string[])
                    : ["/bin/sh", "-c", body],
                  flags: s.flags,
                };
          break;
        }
      }
    }
  }
  return cfg;
}
