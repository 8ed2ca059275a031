#!/usr/bin/env node
// Scaffolds a workspace package: node scripts/new-package.mjs libs/foo [dep ...]
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { basename, join, relative } from "node:path";

const [dir, ...deps] = process.argv.slice(2);
if (!dir) {
  console.error("usage: new-package.mjs <libs/name|services/name> [@nightshift/dep ...]");
  process.exit(2);
}
if (existsSync(join(dir, "package.json"))) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
const name = `@nightshift/${basename(dir)}`;
mkdirSync(join(dir, "src"), { recursive: true });
const root = relative(dir, ".") || ".";
const pkg = {
  name,
  version: "0.1.0",
  private: true,
  type: "module",
  exports: {
    ".": {
      "@nightshift/source": "./src/index.ts",
      types: "./dist/index.d.ts",
      default: "./dist/index.js",
    },
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, "*"])),
};
writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
const refs = deps.map((d) => ({ path: `${root}/libs/${d.replace("@nightshift/", "")}` }));
const ts = {
  extends: `${root}/tsconfig.base.json`,
  compilerOptions: { rootDir: "src", outDir: "dist" },
  include: ["src"],
  references: refs,
};
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(ts, null, 2) + "\n");
if (!existsSync(join(dir, "src/index.ts")))
  writeFileSync(join(dir, "src/index.ts"), "export {};\n");
console.log(`created ${name} in ${dir}`);
