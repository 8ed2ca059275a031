import type { NightshiftClient } from "@nightshift/client";
import type { Bus } from "@nightshift/messaging";

/** What the API's middleware puts on every authenticated request. */
export interface ApiEnv {
  Variables: {
    /** The token's name, or `local` on an open loopback API. */
    principal: string;
    /** The one client library, acting as `api:<principal>`. */
    client: NightshiftClient;
    bus: Bus;
  };
}
