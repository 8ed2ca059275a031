import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface IdentityFiles {
  passwd: string;
  group: string;
  dispose(): Promise<void>;
}

/**
 * `/etc/passwd` and `/etc/group` for inside the sandbox: the agent's user exists (tools
 * look themselves up) and the host's account list stays hidden.
 */
export async function identityFiles(
  uid: number,
  gid: number,
  home: string,
): Promise<IdentityFiles> {
  const dir = await mkdtemp(join(tmpdir(), "nightshift-id-"));
  const passwd = join(dir, "passwd");
  const group = join(dir, "group");
  await writeFile(
    passwd,
    `root:x:0:0:root:/root:/usr/sbin/nologin\nagent:x:${uid}:${gid}:nightshift agent:${home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    { mode: 0o644 },
  );
  await writeFile(group, `root:x:0:\nagent:x:${gid}:\nnogroup:x:65534:\n`, { mode: 0o644 });
  return { passwd, group, dispose: () => rm(dir, { recursive: true, force: true }) };
}
