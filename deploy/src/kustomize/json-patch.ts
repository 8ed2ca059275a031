import { z } from "zod";

export const PatchOp = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("add"), path: z.string(), value: z.unknown() }),
  z.strictObject({ op: z.literal("replace"), path: z.string(), value: z.unknown() }),
  z.strictObject({ op: z.literal("remove"), path: z.string() }),
  z.strictObject({ op: z.literal("test"), path: z.string(), value: z.unknown() }),
]);
export type PatchOp = z.infer<typeof PatchOp>;

function tokens(path: string): string[] {
  if (!path.startsWith("/")) throw new Error(`JSON pointer must start with /: ${path}`);
  return path
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Applies RFC 6902 operations (add, replace, remove, test) to a copy of `doc`. */
export function applyJsonPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  const root = structuredClone(doc) as unknown;
  for (const op of ops) {
    const path = tokens(op.path);
    const last = path.pop();
    if (last === undefined) throw new Error(`cannot ${op.op} the whole document`);
    let parent: unknown = root;
    for (const t of path) {
      const next: unknown = Array.isArray(parent)
        ? parent[Number(t)]
        : (parent as Record<string, unknown> | undefined)?.[t];
      if (next === undefined || next === null || typeof next !== "object") {
        throw new Error(`${op.op} ${op.path}: ${t} does not exist`);
      }
      parent = next;
    }
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length)
        throw new Error(`${op.op} ${op.path}: bad index`);
      if (op.op === "add") parent.splice(i, 0, structuredClone(op.value));
      else if (i >= parent.length) throw new Error(`${op.op} ${op.path}: no element ${i}`);
      else if (op.op === "replace") parent[i] = structuredClone(op.value);
      else if (op.op === "remove") parent.splice(i, 1);
      else if (JSON.stringify(parent[i]) !== JSON.stringify(op.value))
        throw new Error(`test ${op.path} failed`);
      continue;
    }
    const obj = parent as Record<string, unknown>;
    if (op.op !== "add" && !(last in obj)) throw new Error(`${op.op} ${op.path}: does not exist`);
    if (op.op === "add" || op.op === "replace") obj[last] = structuredClone(op.value);
    else if (op.op === "remove") delete obj[last];
    else if (JSON.stringify(obj[last]) !== JSON.stringify(op.value))
      throw new Error(`test ${op.path} failed`);
  }
  return root as T;
}
