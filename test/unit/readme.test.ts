// The README stays true to the code: every configuration key and every simulator key the
// code accepts is documented there.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CONFIG_KEYS } from "../../src/config.js";
import { allSimKeys } from "../../host-sim/options.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

test("README documents every firmware configuration key", () => {
  const missing = CONFIG_KEYS.map((spec) => spec.key).filter((key) => !readme.includes(`\`${key}\``));
  assert.deepEqual(missing, []);
});

test("README documents every simulator key", () => {
  const missing = allSimKeys()
    .map((spec) => spec.name)
    .filter((key) => !readme.includes(`\`${key}\``));
  assert.deepEqual(missing, []);
});
