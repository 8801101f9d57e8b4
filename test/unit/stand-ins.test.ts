// The one table of Moddable modules the simulator stands in for: every entry has its Node
// stand-in and its XS shim, and no stand-in file is left without an entry.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { MODULE_STAND_INS, nodeStandIn, xsStandIn } from "../../host-sim/module-stand-ins.js";

const root = new URL("../../../", import.meta.url);
const platformDir = new URL("host-sim/platform/", root);
const shimDir = new URL("host-sim/xs/shims/", root);

test("every Moddable module in the table has a Node stand-in and an XS shim", () => {
  for (const specifier of Object.keys(MODULE_STAND_INS)) {
    const node = nodeStandIn(specifier)!.replace(/\.js$/, ".ts");
    assert.ok(existsSync(new URL(node, platformDir)), `${specifier}: host-sim/platform/${node}`);
    const shim = xsStandIn(specifier)!;
    assert.ok(existsSync(new URL(shim, shimDir)), `${specifier}: host-sim/xs/shims/${shim}`);
  }
  assert.equal(nodeStandIn("node:fs"), undefined);
});

test("every stand-in file is in the table", () => {
  const stems = new Set(Object.values(MODULE_STAND_INS));
  for (const file of readdirSync(platformDir)) {
    assert.ok(stems.has(file.replace(/\.ts$/, "")), `host-sim/platform/${file} has no table entry`);
  }
  for (const file of readdirSync(shimDir).filter((f) => f.endsWith(".xs.ts"))) {
    assert.ok(stems.has(file.replace(/\.xs\.ts$/, "")), `host-sim/xs/shims/${file} has no table entry`);
  }
});
