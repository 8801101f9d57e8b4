// The rules of the Moddable SDK 8.2.3's mcconfig that manifest.json must follow, as seen when
// it was built with the real tools (each rule here once broke the build or the board):
//  - $(MODULES) and $(BUILD) are defined by examples/manifest_base.json only: it must come
//    before the first include that uses them (else "undefined/network/net/manifest.json").
//  - an include must be an SDK manifest that exists (there is no modules/base/time manifest):
//    the SDK table of test/purity.test.ts is the list of known ones;
//  - `preload` wildcards match .js files only (tools/mcconfig.js): every TypeScript module is
//    preloaded by its name, on every platform the manifest claims;
//  - every module path names a file that exists.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { SDK_MANIFESTS } from "../purity.test.js";

const root = join(dirname(new URL(import.meta.url).pathname), "..", "..", "..");

interface Section {
  include?: string | string[];
  modules?: Record<string, string | string[]>;
  preload?: string | string[];
}
interface Manifest extends Section {
  platforms?: Record<string, Section>;
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function read(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** The project's manifests reachable from manifest.json on `platform`, with their folders. */
function projectManifests(path: string, platform: string): { dir: string; sections: Section[] }[] {
  const manifest = read(path);
  const dir = dirname(path);
  const sections: Section[] = [manifest, ...(manifest.platforms?.[platform] ? [manifest.platforms[platform]] : [])];
  const out = [{ dir, sections }];
  for (const section of sections) {
    for (const include of list(section.include))
      if (include.startsWith("./")) out.push(...projectManifests(join(dir, include), platform));
  }
  return out;
}

/** Module name → source file (.ts) for the project's modules on `platform`, wildcards expanded. */
function modulesOn(platform: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const { dir, sections } of projectManifests(join(root, "manifest.json"), platform)) {
    for (const section of sections) {
      for (const [name, path] of Object.entries(section.modules ?? {})) {
        if (name === "~" || typeof path !== "string" || !path.startsWith(".")) continue;
        if (name.endsWith("*")) {
          const folder = join(dir, path.slice(0, -1));
          for (const file of readdirSync(folder)) {
            if (file.endsWith(".ts") && !file.endsWith(".d.ts"))
              modules.set(name.slice(0, -1) + file.slice(0, -3), join(folder, file));
          }
        } else {
          modules.set(name, join(dir, `${path}.ts`));
        }
      }
    }
  }
  return modules;
}

function preloadsOn(platform: string): string[] {
  return projectManifests(join(root, "manifest.json"), platform).flatMap(({ sections }) =>
    sections.flatMap((s) => list(s.preload)),
  );
}

const manifest = read(join(root, "manifest.json"));
const platforms = Object.keys(manifest.platforms ?? {}).filter((name) => name !== "...");

test("the manifest claims the boards and the desktop simulator", () => {
  assert.deepEqual(platforms.sort(), ["esp", "esp32", "lin"]);
});

test("$(MODULES) and $(BUILD) are used only after manifest_base.json, which defines them", () => {
  const top = list(manifest.include);
  const base = top.indexOf("$(MODDABLE)/examples/manifest_base.json");
  assert.ok(base >= 0, "manifest_base.json is not included: $(MODULES) and $(BUILD) are undefined on lin and esp");
  top.forEach((include, index) => {
    if (/\$\((MODULES|BUILD)\)/.test(include))
      assert.ok(index > base, `${include} comes before manifest_base.json defines its variable`);
  });
});

test("every SDK manifest included is one the SDK has", () => {
  const includes = [...list(manifest.include), ...platforms.flatMap((p) => list(manifest.platforms?.[p]?.include))];
  for (const include of includes) {
    if (include.startsWith("./")) assert.ok(existsSync(join(root, include)), `${include} does not exist`);
    else assert.ok(SDK_MANIFESTS[include] !== undefined, `${include} is not a manifest of the Moddable SDK 8.2.3`);
  }
  assert.ok(!includes.includes("$(MODULES)/base/time/manifest.json"));
});

for (const platform of platforms) {
  test(`${platform}: every project module is preloaded by name, and no preload is a wildcard`, () => {
    const modules = modulesOn(platform);
    const preloads = preloadsOn(platform);
    assert.ok(modules.size > 20, `only ${modules.size} modules found`);
    assert.deepEqual(
      preloads.filter((name) => name.includes("*")),
      [],
      "wildcard preloads match .js files only",
    );
    const missing = [...modules.keys()].filter((name) => !preloads.includes(name));
    assert.deepEqual(missing, [], `not preloaded on ${platform}`);
    const unknown = preloads.filter((name) => !modules.has(name));
    assert.deepEqual(unknown, [], `preloaded on ${platform} but not a module`);
    for (const [name, file] of modules) assert.ok(existsSync(file), `${name}: ${file} does not exist`);
  });
}

test("the check sees a TypeScript module missing from the preload list", () => {
  const modules = modulesOn("esp32");
  const preloads = preloadsOn("esp32").filter((name) => name !== "mqtt/decode");
  assert.deepEqual(
    [...modules.keys()].filter((name) => !preloads.includes(name)),
    ["mqtt/decode"],
  );
});

// On -p lin the simulated board's provider and the chip model are compiled by mcconfig: every
// file they import must be a module of host-sim/lin/manifest.json, named by its path from the
// project root, which is how XS resolves their relative imports (xs/tools/xsl.c fxFindModule).
test("lin: every file the device provider imports is a module named by its path", () => {
  const modules = modulesOn("lin");
  const byFile = new Map([...modules].map(([name, file]) => [file, name]));
  const queue = [join(root, "host-sim", "lin", "device.ts")];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const name = byFile.get(file);
    assert.ok(
      name !== undefined,
      `${file.slice(root.length + 1)} is imported on lin but is no module of the lin build`,
    );
    assert.equal(name, file.slice(root.length + 1, -3), "a module's name is its path, so relative imports resolve");
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gm)) {
      queue.push(join(dirname(file), (match[1] as string).replace(/\.js$/, ".ts")));
    }
  }
  assert.ok(seen.size >= 5, `only ${seen.size} files reached`);
});
