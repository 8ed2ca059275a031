import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { rm } from "node:fs/promises";

/** `host`, `host:port` or `*.domain` (any subdomain), case-insensitive. */
export function hostAllowed(allow: readonly string[], host: string, port: number): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return allow.some((entry) => {
    const e = entry.toLowerCase();
    const m = /^(.*?)(?::(\d+))?$/.exec(e);
    const name = m?.[1] ?? e;
    if (m?.[2] !== undefined && Number(m[2]) !== port) return false;
    if (name.startsWith("*.")) return h.endsWith(name.slice(1));
    return h === name;
  });
}

export interface EgressProxy {
  /** `http://127.0.0.1:<port>` for HTTP(S)_PROXY. */
  readonly url: string;
  readonly port: number;
  /** The same proxy on a unix socket, for sandboxes without a network of their own. */
  readonly socketPath?: string;
  /** Hosts refused so far (`host:port`), newest last. */
  readonly denied: readonly string[];
  close(): Promise<void>;
}

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
  return { host: m?.[1] ?? target, port: m?.[2] ? Number(m[2]) : defaultPort };
}

/**
 * An HTTP proxy that only lets agents reach listed hosts: CONNECT tunnels for HTTPS and
 * absolute-URI requests for plain HTTP. Everything else gets 403.
 */
export async function startEgressProxy(opts: {
  allow: readonly string[];
  socketPath?: string;
}): Promise<EgressProxy> {
  const denied: string[] = [];
  const sockets = new Set<Socket>();
  const refuse = (host: string, port: number): void => {
    denied.push(`${host}:${port}`);
    if (denied.length > 100) denied.shift();
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("absolute URL required\n");
      return;
    }
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    if (url.protocol !== "http:" || !hostAllowed(opts.allow, url.hostname, port)) {
      refuse(url.hostname, port);
      res
        .writeHead(403, { "content-type": "text/plain" })
        .end(`egress to ${url.host} is not allowed\n`);
      return;
    }
    const upstream = request(
      {
        host: url.hostname,
        port,
        method: req.method,
        path: url.pathname + url.search,
        headers: { ...req.headers, host: url.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502).end(`${err.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const onConnect = (req: IncomingMessage, client: Socket, head: Buffer): void => {
    const { host, port } = splitHostPort(req.url ?? "", 443);
    if (!hostAllowed(opts.allow, host, port)) {
      refuse(host, port);
      client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    const fail = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on("error", () => {
      if (client.writable) client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
      else fail();
    });
    client.on("error", fail);
  };

  const servers: Server[] = [];
  const make = (): Server => {
    const s = createServer(onRequest);
    s.on("connect", onConnect);
    s.on("connection", (sock: Socket) => {
      sockets.add(sock);
      sock.on("close", () => sockets.delete(sock));
    });
    servers.push(s);
    return s;
  };
  const tcp = make();
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const port = (tcp.address() as AddressInfo).port;
  if (opts.socketPath !== undefined) {
    const path = opts.socketPath;
    await rm(path, { force: true });
    const unix = make();
    await new Promise<void>((resolve) => unix.listen(path, resolve));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...(opts.socketPath !== undefined ? { socketPath: opts.socketPath } : {}),
    denied,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      if (opts.socketPath !== undefined) await rm(opts.socketPath, { force: true });
    },
  };
}
