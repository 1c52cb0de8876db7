// The committed lock must be complete: an entry for every optional package of every
// platform, or `npm ci` refuses it and `npm install` rewrites it on a fresh clone.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

interface LockEntry {
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package-lock.json"), "utf8")) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where npm would look for `name` from the package at `from` (node_modules resolution). */
function resolves(from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

describe("package-lock.json", () => {
  it("is a v3 lock", () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it("has an entry for every optional dependency, whatever the platform", () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(where, name)) missing.push(`${where || "(root)"} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
