export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes the condition in the timeout error. */
  message?: string;
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after the
 * deadline with the last error seen. Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new Error(
        `timed out after ${opts.timeoutMs ?? 10_000} ms waiting for ${opts.message ?? "condition"}${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}
