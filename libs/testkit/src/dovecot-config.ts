import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";

async function groupName(gid: number): Promise<string | undefined> {
  const groups = await readFile("/etc/group", "utf8").catch(() => "");
  return groups
    .split("\n")
    .map((l) => l.split(":"))
    .find((f) => Number(f[2]) === gid)?.[0];
}

async function idOf(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const line = passwd.split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Who the server's processes run as. Unprivileged, everything runs as the current user.
 * As root, Dovecot refuses to serve mail as uid 0, so mail is owned by `nobody` and the
 * login and internal processes use the users Debian's package creates.
 */
export async function identities(): Promise<{
  loginUser: string;
  internalUser: string;
  internalGroup: string | undefined;
  mailUid: number;
  mailGid: number;
}> {
  const me = userInfo();
  if (me.uid !== 0) {
    return {
      loginUser: me.username,
      internalUser: me.username,
      internalGroup: await groupName(me.gid),
      mailUid: me.uid,
      mailGid: me.gid,
    };
  }
  const nobody = (await idOf("nobody")) ?? { uid: 65534, gid: 65534 };
  const login = (await idOf("dovenull")) ? "dovenull" : "nobody";
  const internal = (await idOf("dovecot")) ? "dovecot" : "nobody";
  return {
    loginUser: login,
    internalUser: internal,
    internalGroup: undefined,
    mailUid: nobody.uid,
    mailGid: nobody.gid,
  };
}

/** dovecot.conf for one test instance: loopback only, plain auth, maildir under `dir`. */
export function dovecotConfig(o: {
  dir: string;
  port: number;
  tlsPort: number | undefined;
  loginUser: string;
  internalUser: string;
  internalGroup: string | undefined;
  mailUid: number;
  mailGid: number;
}): string {
  const ssl =
    o.tlsPort === undefined
      ? ["ssl = no"]
      : [`ssl = yes`, `ssl_cert = <${o.dir}/cert.pem`, `ssl_key = <${o.dir}/key.pem`];
  return [
    `base_dir = ${o.dir}/run`,
    `state_dir = ${o.dir}/state`,
    `instance_name = nightshift-test-${o.port}`,
    "protocols = imap",
    "listen = 127.0.0.1",
    ...ssl,
    "disable_plaintext_auth = no",
    "auth_mechanisms = plain login",
    `log_path = ${o.dir}/dovecot.log`,
    `default_login_user = ${o.loginUser}`,
    `default_internal_user = ${o.internalUser}`,
    ...(o.internalGroup !== undefined ? [`default_internal_group = ${o.internalGroup}`] : []),
    `mail_location = maildir:${o.dir}/mail/%u`,
    "first_valid_uid = 1",
    "first_valid_gid = 1",
    "passdb {",
    "  driver = passwd-file",
    `  args = scheme=PLAIN username_format=%u ${o.dir}/passwd`,
    "}",
    "userdb {",
    "  driver = static",
    `  args = uid=${o.mailUid} gid=${o.mailGid} home=${o.dir}/mail/%u`,
    "}",
    "service imap-login {",
    "  chroot =",
    "  inet_listener imap {",
    "    address = 127.0.0.1",
    `    port = ${o.port}`,
    "  }",
    "  inet_listener imaps {",
    "    address = 127.0.0.1",
    `    port = ${o.tlsPort ?? 0}`,
    "  }",
    "}",
    "service anvil {",
    "  chroot =",
    "}",
    "",
  ].join("\n");
}
