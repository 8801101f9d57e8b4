// Issue 12, defect 5: `luxflow-collect` must be runnable after `npm ci` as the README says:
// npm runs the root package's `prepare` script on `npm ci`, so the build that makes each
// `bin` target has to be in it; then `npx luxflow-collect` (and, after `npm link` or
// `npm install -g .`, plain `luxflow-collect`) finds an executable script.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

test("npm ci builds what package.json's bin points at", () => {
  assert.match(
    pkg.scripts.prepare ?? "",
    /\bnpm run (--silent )?build\b/,
    "a prepare script that builds (npm ci runs it)",
  );
  assert.deepEqual(Object.keys(pkg.bin), ["luxflow-collect"]);
  for (const target of Object.values(pkg.bin)) {
    const file = new URL(target, root);
    assert.ok(existsSync(file), `${target} is made by the build`);
    assert.ok(readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n"), `${target} starts with a node shebang`);
    assert.ok((statSync(file).mode & 0o111) !== 0, `${target} is executable (npm only links it)`);
  }
});

test("npx luxflow-collect runs the collector", () => {
  const r = spawnSync("npx", ["--no-install", "luxflow-collect", "--help"], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^usage: luxflow-collect /);
});
