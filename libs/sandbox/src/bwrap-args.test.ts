import { describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap-args.ts";
import { prlimitArgv } from "./limits.ts";

const fake = (p: string) =>
  p === "/bin"
    ? { link: "usr/bin" }
    : p === "/usr" || p.startsWith("/srv")
      ? ("dir" as const)
      : undefined;

describe("bwrap arguments", () => {
  it("recreates links, binds what exists, and makes the way to bound paths searchable", () => {
    const a = bwrapArgs(
      {
        systemDirs: ["/usr", "/bin", "/lib32"],
        readOnly: ["/srv/tools/node_modules/@openai", "/missing"],
        writable: ["/srv/ws/t1", "/srv/homes/t1"],
        mounts: [{ src: "/tmp/x/proxy.sock", dest: "/run/p.sock" }],
        cwd: "/srv/ws/t1",
        unshareNet: true,
      },
      fake,
    );
    const s = a.join(" ");
    expect(s).toContain("--symlink usr/bin /bin");
    expect(s).toContain("--ro-bind /usr /usr");
    expect(s).not.toContain("/lib32");
    expect(s).not.toContain("/missing");
    expect(s).toContain("--unshare-net");
    expect(s).toContain("--die-with-parent");
    expect(s).toContain("--unshare-pid");
    for (const d of ["/srv", "/srv/tools", "/srv/tools/node_modules", "/srv/ws", "/run"])
      expect(s).toContain(`--perms 0755 --dir ${d} `);
    expect(s.indexOf("--dir /srv ")).toBeLessThan(s.indexOf("--dir /srv/tools "));
    expect(s).toContain("--bind /srv/ws/t1 /srv/ws/t1 --bind /srv/homes/t1 /srv/homes/t1");
    expect(s).toContain("--bind /tmp/x/proxy.sock /run/p.sock");
    expect(a.slice(-2)).toEqual(["--chdir", "/srv/ws/t1"]);
  });

  it("turns limits into prlimit options", () => {
    expect(prlimitArgv({})).toEqual([]);
    expect(prlimitArgv({ memory: 100, processes: 5, fileSize: 7, openFiles: 9 })).toEqual([
      "prlimit",
      "--data=100",
      "--nproc=5",
      "--fsize=7",
      "--nofile=9",
      "--",
    ]);
  });
});
