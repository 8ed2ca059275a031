import { z } from "zod";

/** One problem with a request: where (`card.acceptance.0`, `""` for the whole body) and what. */
export const Issue = z.strictObject({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof Issue>;

/** Every error the API returns has this body. */
export const ApiErrorBody = z.strictObject({
  error: z.strictObject({
    /** `UNAUTHORIZED`, `INVALID_REQUEST`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE` … */
    code: z.string(),
    message: z.string(),
    issues: z.array(Issue).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Turns zod issues into `{ path, message }` pairs with dotted paths. */
export function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): Issue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join("."),
    message: i.message,
  }));
}
