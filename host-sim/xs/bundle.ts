// Builds the firmware for XS: esbuild bundles the unmodified src/main.ts with the XS-side
// shims (host-sim/xs/shims/, named in host-sim/module-stand-ins.ts) standing in for the Moddable modules, into one
// script that
// xsnap evaluates. Project modules named in manifest.json (and the local manifests it
// includes) resolve to their sources, as mcconfig resolves them on the device.
//
// Preload emulation: the bundle ends with an epilogue that hands every module-level binding
// of the firmware (src/, drivers/) to the XS side, which freezes them once all module bodies
// have run (see shims/host.ts). esbuild's unminified output starts each module with a
// `// <path>` comment and prints module-level declarations at column 0; that is what the
// epilogue is built from.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { xsStandIn } from "../module-stand-ins.js";

/** Folders whose modules are firmware (preloaded on the device). */
const FIRMWARE_DIRS = ["src/", "drivers/"];

export interface XsBundle {
  /** The script xsnap evaluates. */
  readonly script: string;
  /** Bytes of the script, and of the firmware's own modules in it (shims excluded). */
  readonly bytes: number;
  readonly firmwareBytes: number;
  /** Firmware modules in the bundle, by path. */
  readonly modules: readonly string[];
  /** Module-level bindings the preload epilogue checks and freezes. */
  readonly roots: readonly string[];
  readonly bindings: readonly Root[];
}

export interface BundleOptions {
  /** Project root; default: the checkout this file belongs to. */
  readonly root?: string;
  /** Firmware entry relative to root; default src/main.ts. */
  readonly entry?: string;
  /** Freeze module-level bindings after load (Moddable preload); default true. */
  readonly preload?: boolean;
}

interface Manifest {
  include?: string[];
  modules?: Record<string, string | string[]>;
}

/** Named module specifiers of a manifest and its local includes → source files (.ts). */
export function manifestModules(manifestPath: string, out: Record<string, string> = {}): Record<string, string> {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const dir = dirname(manifestPath);
  for (const [name, path] of Object.entries(manifest.modules ?? {})) {
    if (name.includes("*") || typeof path !== "string" || !path.startsWith("./")) continue;
    out[name] = join(dir, `${path}.ts`);
  }
  for (const include of manifest.include ?? []) {
    if (include.startsWith("./")) manifestModules(join(dir, include), out);
  }
  return out;
}

function defaultRoot(): string {
  // build/host-sim/xs/bundle.js or host-sim/xs/bundle.ts → the project root.
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${"/build/"}`) ? "../../.." : "../..";
  return resolvePath(here, up);
}

/** The XS-side shims, from this checkout (whatever firmware root is bundled). */
const SHIMS = join(defaultRoot(), "host-sim", "xs", "shims");

function moddablePlugin(root: string, platformExternal = false): Plugin {
  const shims = SHIMS;
  const project = manifestModules(join(root, "manifest.json"));
  return {
    name: "moddable-modules",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const shim = xsStandIn(args.path);
        if (shim !== undefined)
          return platformExternal ? { path: args.path, external: true } : { path: join(shims, shim) };
        const source = project[args.path];
        if (source !== undefined) return { path: source };
        return { errors: [{ text: `"${args.path}" is not a module a Moddable device has (not in manifest.json)` }] };
      });
    },
  };
}

const DECLARATION = /^(?:export\s+)?(var|let|const|class|function\*?|async\s+function\*?)\s+([A-Za-z_$][\w$]*)/;

/** A module-level binding of the firmware: its module, its name, and whether it can be reassigned. */
export interface Root {
  readonly module: string;
  readonly name: string;
  readonly writable: boolean;
}

/** Module-level declarations of the firmware's modules in esbuild's unminified output. */
function firmwareBindings(code: string): { roots: Root[]; modules: string[]; firmwareBytes: number } {
  const roots: Root[] = [];
  const modules: string[] = [];
  let module = "";
  let firmware = false;
  let firmwareBytes = 0;
  for (const line of code.split("\n")) {
    const header = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(line);
    if (header !== null) {
      const path = header[1] as string;
      firmware = FIRMWARE_DIRS.some((dir) => path.startsWith(dir));
      if (firmware) modules.push(path);
      module = path.replace(/\.[cm]?[jt]s$/, "");
      continue;
    }
    if (!firmware) continue;
    firmwareBytes += Buffer.byteLength(line, "utf8") + 1;
    const declaration = DECLARATION.exec(line);
    if (declaration !== null) roots.push({ module, name: declaration[2] as string, writable: false });
  }
  return { roots, modules, firmwareBytes };
}

const WRITABLE = /^(?:export\s+)?(?:let|var)\s+([A-Za-z_$][\w$]*)/gm;

/**
 * Module-level `let`/`var` names of a firmware module, read from its source: esbuild prints
 * every module-level declaration as `var`, so the bundle cannot tell a constant from a binding
 * that can be reassigned (xsl's `no const`).
 */
function writableBindings(root: string, module: string): Set<string> {
  const source = readFileSync(join(root, `${module}.ts`), "utf8");
  return new Set([...source.matchAll(WRITABLE)].map((match) => match[1] as string));
}

/** Bundles the firmware and the XS shims into one script for xsnap. */
export async function bundleForXs(options: BundleOptions = {}): Promise<XsBundle> {
  const root = options.root ?? defaultRoot();
  const entry = join(root, options.entry ?? "src/main.ts");
  const shims = SHIMS;
  const stdin = [
    `import ${JSON.stringify(join(shims, "host.ts"))};`,
    `import ${JSON.stringify(join(shims, "device.ts"))};`,
    `export { default } from ${JSON.stringify(entry)};`,
  ].join("\n");
  const result = await build({
    stdin: { contents: stdin, resolveDir: root, sourcefile: "xs-entry.js", loader: "js" },
    ...firmwareBuild(root, false),
    plugins: [moddablePlugin(root)],
  });
  const code = result.outputFiles[0]?.text ?? "";
  const exported = /export\s*\{\s*([A-Za-z_$][\w$]*) as default\s*\};\s*$/.exec(code);
  if (exported === null)
    throw new Error(`xs bundle: ${relative(root, entry)} has no default export (the Moddable main)`);
  const { roots: found, modules, firmwareBytes } = firmwareBindings(code);
  const roots = found.map((r) => ({ ...r, writable: writableBindings(root, r.module).has(r.name) }));
  const body = code.slice(0, exported.index);
  const list = roots
    .map(
      (r) =>
        `{ module: ${JSON.stringify(r.module)}, name: ${JSON.stringify(r.name)}, writable: ${r.writable}, value: ${r.name} }`,
    )
    .join(",\n  ");
  const script =
    `(function () {\n"use strict";\n${body}\n` +
    `globalThis.__xsModulesLoaded(${exported[1]}, [\n  ${list}\n], ${options.preload !== false});\n})();\n`;
  return {
    script,
    bytes: Buffer.byteLength(script, "utf8"),
    firmwareBytes,
    modules,
    roots: roots.map((r) => r.name),
    bindings: roots,
  };
}

/** esbuild settings shared by the XS bundle and its minified measurement: ESM for an engine with no host. */
function firmwareBuild(root: string, minify: boolean) {
  return {
    absWorkingDir: root,
    bundle: true,
    write: false as const,
    format: "esm" as const,
    platform: "neutral" as const,
    target: "es2022",
    minify,
    legalComments: "none" as const,
    logLevel: "silent" as const,
  };
}

/** Minified size of the firmware as XS would receive it (for the bench table). */
export async function minifiedFirmwareBytes(options: BundleOptions = {}): Promise<number> {
  const root = options.root ?? defaultRoot();
  const entry = join(root, options.entry ?? "src/main.ts");
  const result = await build({
    entryPoints: [entry],
    ...firmwareBuild(root, true),
    plugins: [moddablePlugin(root, true)],
  });
  return result.outputFiles[0]?.contents.byteLength ?? 0;
}
