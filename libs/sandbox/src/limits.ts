/** Resource limits for every process of an agent. */
export interface ResourceLimits {
  /** Bytes of data (heap) per process: RLIMIT_DATA. */
  memory?: number | undefined;
  /** Processes and threads of the agent's user: RLIMIT_NPROC. */
  processes?: number | undefined;
  /** Largest file the agent may write, in bytes: RLIMIT_FSIZE. */
  fileSize?: number | undefined;
  /** Open file descriptors per process: RLIMIT_NOFILE. */
  openFiles?: number | undefined;
}

/** `prlimit` arguments that apply `limits` to the program that follows them. */
export function prlimitArgv(limits: ResourceLimits): string[] {
  const args: string[] = [];
  if (limits.memory !== undefined) args.push(`--data=${limits.memory}`);
  if (limits.processes !== undefined) args.push(`--nproc=${limits.processes}`);
  if (limits.fileSize !== undefined) args.push(`--fsize=${limits.fileSize}`);
  if (limits.openFiles !== undefined) args.push(`--nofile=${limits.openFiles}`);
  return args.length === 0 ? [] : ["prlimit", ...args, "--"];
}
