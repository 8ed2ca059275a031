import type { Context } from "hono";
import type { Principal } from "./http.ts";
import type { Repo, Urls } from "./model.ts";
import type { FakeGitHubState } from "./state-pulls.ts";

/** What a route returns: a body (paginated when `list`), or an error. */
export type Reply =
  | { status?: number; body: unknown; list?: boolean }
  | { status: number; error: string; headers?: Record<string, string> };

export interface RouteCtx {
  state: FakeGitHubState;
  urls: Urls;
  principal: Principal;
  app: AppIdentity;
  /** The login acting (the user, or the installation's bot). */
  actor(): string;
  /** Throws a 403/404 reply unless the principal may `need` on the repository. */
  can(repo: Repo, need: "read" | "write"): void;
}

export type Route = (c: Context, ctx: RouteCtx) => Reply | Promise<Reply>;
export type Register = (
  method: string,
  path: string,
  route: Route,
  opts?: { auth?: "app" },
) => void;

/** The GitHub App registered with the fake (for App authentication tests). */
export interface AppIdentity {
  id: string;
  slug: string;
  privateKey: string;
  publicKey: string;
  /** Installation id → repositories it covers. */
  installations: Map<number, Set<string>>;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
