import type { AnthropicBackendConfig } from "@nightshift/config";
import { terminate, type Sandbox } from "@nightshift/sandbox";
import { z } from "zod";
import { ToolError, type WorkspaceFiles } from "./workspace-files.ts";

type ToolName = AnthropicBackendConfig["tools"][number];

/** A tool as the Messages API describes it. */
export interface ToolSpec {
  name: ToolName;
  description: string;
  input_schema: { type: "object"; properties: Record<string, unknown>; required: string[] };
}

const str = (description: string) => ({ type: "string", description });

export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: "read_file",
    description: "Read a text file of the workspace.",
    input_schema: {
      type: "object",
      properties: { path: str("Path relative to the workspace") },
      required: ["path"],
    },
  },
  {
    name: "write_file",
    description: "Create or overwrite a file of the workspace with the given content.",
    input_schema: {
      type: "object",
      properties: {
        path: str("Path relative to the workspace"),
        content: str("The whole new content"),
      },
      required: ["path", "content"],
    },
  },
  {
    name: "edit_file",
    description:
      "Replace old_text with new_text in a file. old_text must match exactly once unless replace_all is true.",
    input_schema: {
      type: "object",
      properties: {
        path: str("Path relative to the workspace"),
        old_text: str("Exact text to replace"),
        new_text: str("Replacement text"),
        replace_all: { type: "boolean", description: "Replace every occurrence" },
      },
      required: ["path", "old_text", "new_text"],
    },
  },
  {
    name: "list_files",
    description: "List files under a folder of the workspace (recursively, without .git).",
    input_schema: {
      type: "object",
      properties: { path: str("Folder, default the workspace root") },
      required: [],
    },
  },
  {
    name: "search",
    description:
      "Search file contents with an extended regular expression (grep -E). Returns file:line:text.",
    input_schema: {
      type: "object",
      properties: {
        pattern: str("Extended regular expression"),
        path: str("Folder or file to search, default the workspace root"),
        glob: str("Only files matching this name pattern, e.g. *.ts"),
      },
      required: ["pattern"],
    },
  },
  {
    name: "run_shell",
    description:
      "Run a shell command (sh -c) in the workspace and return its exit code and output.",
    input_schema: {
      type: "object",
      properties: { command: str("The command line") },
      required: ["command"],
    },
  },
];

const Inputs = {
  read_file: z.object({ path: z.string() }),
  write_file: z.object({ path: z.string(), content: z.string() }),
  edit_file: z.object({
    path: z.string(),
    old_text: z.string(),
    new_text: z.string(),
    replace_all: z.boolean().optional(),
  }),
  list_files: z.object({ path: z.string().optional() }),
  search: z.object({
    pattern: z.string().min(1),
    path: z.string().optional(),
    glob: z.string().optional(),
  }),
  run_shell: z.object({ command: z.string().min(1) }),
};

export interface ToolContext {
  files: WorkspaceFiles;
  sandbox: Sandbox;
  env: Readonly<Record<string, string>>;
  shellTimeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
}

export interface ToolOutcome {
  output: string;
  isError: boolean;
}

const MAX_OUTPUT = 30_000;

function clip(text: string): string {
  return text.length > MAX_OUTPUT
    ? `${text.slice(0, MAX_OUTPUT)}\n[… ${text.length - MAX_OUTPUT} more characters]`
    : text;
}

/** Runs argv in the sandbox, in the workspace, with a time limit; output is stdout+stderr. */
async function inSandbox(
  ctx: ToolContext,
  argv: string[],
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const proc = ctx.sandbox.spawn({ argv, cwd: ctx.files.root, env: ctx.env });
  let output = "";
  const take = (d: Buffer): void => {
    if (output.length < MAX_OUTPUT * 2) output += d.toString("utf8");
  };
  proc.stdout.on("data", take);
  proc.stderr.on("data", take);
  let timedOut = false;
  const stop = (): void => void terminate(proc, ctx.killGraceMs);
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, ctx.shellTimeoutMs);
  ctx.signal.addEventListener("abort", stop, { once: true });
  try {
    const { code } = await proc.exited;
    return { code, output, timedOut };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", stop);
  }
}

/** Runs one tool call; bad input and refused paths become error results the model can read. */
export async function runTool(
  ctx: ToolContext,
  name: string,
  input: unknown,
): Promise<ToolOutcome> {
  try {
    switch (name) {
      case "read_file": {
        const i = Inputs.read_file.parse(input);
        return { output: await ctx.files.read(i.path), isError: false };
      }
      case "write_file": {
        const i = Inputs.write_file.parse(input);
        await ctx.files.write(i.path, i.content);
        return { output: `wrote ${i.content.length} characters to ${i.path}`, isError: false };
      }
      case "edit_file": {
        const i = Inputs.edit_file.parse(input);
        const n = await ctx.files.edit(i.path, i.old_text, i.new_text, i.replace_all === true);
        return {
          output: `replaced ${n} occurrence${n === 1 ? "" : "s"} in ${i.path}`,
          isError: false,
        };
      }
      case "list_files": {
        const i = Inputs.list_files.parse(input);
        const { files, truncated } = await ctx.files.list(i.path ?? ".");
        return {
          output: files.join("\n") + (truncated ? "\n[… more files not listed]" : ""),
          isError: false,
        };
      }
      case "search": {
        const i = Inputs.search.parse(input);
        const target = await ctx.files.resolve(i.path ?? ".");
        const argv = [
          "grep",
          "-rnIE",
          "--exclude-dir=.git",
          ...(i.glob ? [`--include=${i.glob}`] : []),
          "-e",
          i.pattern,
          "--",
          target,
        ];
        const r = await inSandbox(ctx, argv);
        if (r.code === 1) return { output: "no matches", isError: false };
        const rel = r.output.split(`${ctx.files.root}/`).join("");
        return { output: clip(rel), isError: r.code !== 0 };
      }
      case "run_shell": {
        const i = Inputs.run_shell.parse(input);
        const r = await inSandbox(ctx, ["sh", "-c", i.command]);
        const head = r.timedOut
          ? `timed out after ${Math.round(ctx.shellTimeoutMs / 1000)} s`
          : `exit code ${r.code ?? "none"}`;
        return { output: clip(`${head}\n${r.output}`), isError: r.timedOut || r.code !== 0 };
      }
      default:
        return { output: `unknown tool ${name}`, isError: true };
    }
  } catch (err) {
    if (err instanceof ToolError) return { output: err.message, isError: true };
    if (err instanceof z.ZodError)
      return {
        output: `invalid input for ${name}: ${err.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
        isError: true,
      };
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === "string")
      return { output: `${name} failed: ${e.message}`, isError: true };
    throw err;
  }
}
