import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Points every test worker's temporary directory (os.tmpdir(), TMPDIR) at one folder for
 * this run and removes it afterwards, so repositories, stores and workspaces made by the
 * tests do not pile up.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "nightshift-tests-"));
  // agents run as other uids; with the "none" sandbox they walk the real path
  chmodSync(root, 0o755);
  process.env["TMPDIR"] = root;
  return () => {
    if (process.env["NIGHTSHIFT_KEEP_TEST_TMP"] !== "1")
      rmSync(root, { recursive: true, force: true });
  };
}
