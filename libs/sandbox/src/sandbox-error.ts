import { NightshiftError, type NightshiftErrorOptions } from "@nightshift/errors";

/** The sandbox could not be set up (missing bubblewrap, no free uid, chown failed …). */
export class SandboxError extends NightshiftError {
  constructor(message: string, options?: NightshiftErrorOptions) {
    super("SANDBOX", message, options);
    this.name = "SandboxError";
  }
}
