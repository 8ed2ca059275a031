/**
 * `.dockerignore` as the Docker CLI applies it: patterns in order, the last match wins, `!`
 * re-includes, `**` spans directories, and excluding a directory excludes what is inside.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, "");
      const re = pattern
        .split("/")
        .map((seg) =>
          seg === "**"
            ? ".*"
            : seg
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\.\*\//g, "(?:.*/)?");
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (path: string) => {
    const parts = path.split("/");
    let excluded = false;
    for (const r of rules) {
      // A rule matching the path or any of its parent directories applies to it.
      for (let i = 1; i <= parts.length; i++) {
        if (r.re.test(parts.slice(0, i).join("/"))) {
          excluded = !r.negate;
          break;
        }
      }
    }
    return excluded;
  };
}
