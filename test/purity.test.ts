// Firmware purity: src/ and drivers/ run on a Moddable device, so they may import only
// (a) each other, (b) modules the project's manifests name, and (c) modules the Moddable
// SDK manifests that manifest.json includes provide (plus `mc/config`, which mcconfig
// generates), and they may use no host globals (Buffer, process, setTimeout, console, …).
// Every offence is reported as file:line.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// Modules provided by the SDK manifests a project may include, read from the Moddable SDK 8.2.3
// sources, per platform where the manifest's platform sections differ ("*": every platform).
// modules/io/manifest.json gives ECMA-419 IO on esp/esp32 but only sockets and serial on lin
// (modules/io/manifests/lin); examples/manifest_base.json gives the device's (or simulator's)
// base modules and defines $(MODULES) and $(BUILD). An include not listed here is an offence
// until its modules are added, so the table cannot silently pass an unknown manifest: there is
// no modules/base/time/manifest.json in any SDK release (device manifests supply `time`).
type Provided = readonly string[] | Readonly<Record<string, readonly string[]>>;
const BASE = ["Resource", "instrumentation", "timer", "debug", "time"];
const NET = ["socket", "net", "sntp", "wifi"];
const BOARD_IO = [
  "embedded:io/analog",
  "embedded:io/digital",
  "embedded:io/digitalbank",
  "embedded:io/i2c",
  "embedded:io/smbus",
  "embedded:io/pwm",
  "embedded:io/serial",
  "embedded:io/spi",
  "embedded:io/socket/tcp",
  "embedded:io/socket/udp",
  "embedded:io/socket/listener",
  "embedded:provider/builtin",
  "system",
  ...NET,
  "setup/network",
];
export const SDK_MANIFESTS: Readonly<Record<string, Provided>> = {
  "$(MODDABLE)/examples/manifest_base.json": BASE,
  "$(MODDABLE)/modules/io/manifest.json": {
    esp: BOARD_IO,
    esp32: BOARD_IO,
    lin: [
      "embedded:io/socket/tcp",
      "embedded:io/socket/udp",
      "embedded:io/socket/listener",
      "embedded:io/serial",
      "system",
      ...NET,
    ],
  },
  "$(MODDABLE)/examples/manifest_net.json": {
    "*": NET,
    esp: [...NET, "setup/network"],
    esp32: [...NET, "setup/network"],
  },
  "$(MODULES)/network/wifi/manifest.json": ["wifi"],
  "$(MODULES)/files/resource/manifest.json": ["Resource"],
  "$(MODULES)/files/preference/manifest.json": ["preference"],
  "$(MODULES)/network/sntp/manifest.json": ["sntp"],
  "$(MODULES)/base/instrumentation/manifest.json": ["instrumentation"],
  "$(MODDABLE)/examples/io/tcp/tlssocket/manifest.json": ["embedded:io/socket/tcp/tls"],
};

/** What an SDK manifest provides on `platform` (undefined: what it provides everywhere). */
export function sdkProvides(include: string, platform: string | undefined): readonly string[] | undefined {
  const provided = SDK_MANIFESTS[include];
  if (provided === undefined || Array.isArray(provided)) return provided as readonly string[] | undefined;
  const table = provided as Readonly<Record<string, readonly string[]>>;
  return (platform !== undefined ? table[platform] : undefined) ?? table["*"] ?? [];
}
const ALWAYS = ["mc/config"];

/** Host globals a Moddable device does not have. */
const HOST_GLOBALS = [
  "Buffer",
  "process",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "global",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
  "structuredClone",
  "TextEncoder",
  "TextDecoder",
  "console",
  "fetch",
  "performance",
  "URL",
  "URLSearchParams",
  "atob",
  "btoa",
  "AbortController",
  "crypto",
];

interface Section {
  include?: string[];
  modules?: Record<string, string | string[]>;
}
interface Manifest extends Section {
  platforms?: Record<string, Section>;
}

export interface Offence {
  file: string;
  line: number;
  message: string;
}

interface Allowed {
  /** Module names the device has: SDK modules and the project's named modules. */
  names: Set<string>;
  /** Project modules by name → source file, for following imports. */
  files: Map<string, string>;
  wildcards: { prefix: string; dir: string }[];
  problems: string[];
}

function addSection(
  section: Section,
  dir: string,
  manifestPath: string,
  platform: string | undefined,
  allowed: Allowed,
): void {
  for (const [name, path] of Object.entries(section.modules ?? {})) {
    if (typeof path !== "string" || !path.startsWith("./")) continue;
    if (name.endsWith("*") && path.endsWith("*")) {
      allowed.wildcards.push({ prefix: name.slice(0, -1), dir: join(dir, path.slice(0, -1)) });
    } else if (!name.includes("*")) {
      allowed.names.add(name);
      allowed.files.set(name, join(dir, `${path}.ts`));
    }
  }
  for (const include of section.include ?? []) {
    if (include.startsWith("./")) allowedModules(join(dir, include), platform, allowed);
    else if (SDK_MANIFESTS[include] !== undefined)
      for (const name of sdkProvides(include, platform) ?? []) allowed.names.add(name);
    else
      allowed.problems.push(
        `${relative(process.cwd(), manifestPath)}: include ${include} is not in the purity check's SDK table`,
      );
  }
}

/** The platforms a manifest claims (its `platforms` keys but the "..." fallback). */
export function claimedPlatforms(manifestPath: string): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  return Object.keys(manifest.platforms ?? {}).filter((name) => name !== "...");
}

/**
 * What the firmware may import on `platform` (undefined: the top-level sections only), from
 * manifest.json and the manifests it includes, platform sections merged as mcconfig merges them.
 */
export function allowedModules(manifestPath: string, platform: string | undefined, out?: Allowed): Allowed {
  const allowed = out ?? { names: new Set(ALWAYS), files: new Map(), wildcards: [], problems: [] };
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const dir = dirname(manifestPath);
  addSection(manifest, dir, manifestPath, platform, allowed);
  const section = platform === undefined ? undefined : manifest.platforms?.[platform];
  if (section !== undefined) addSection(section, dir, manifestPath, platform, allowed);
  return allowed;
}

/** Blanks comments, regular expressions and template text (and, if asked, all string text), keeping lines. */
export function blank(source: string, strings: boolean): string {
  let out = "";
  let i = 0;
  let lastSignificant = "";
  const keep = (text: string) => {
    out += text;
  };
  const hide = (text: string) => {
    out += text.replace(/[^\n]/g, " ");
  };
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      hide(source.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      hide(source.slice(i, stop));
      i = stop;
    } else if (
      c === "'" ||
      c === '"' ||
      c === "`" ||
      (c === "/" && /^$|[(,=:[!&|?{};+\-*%<>~^]$/.test(lastSignificant))
    ) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length) {
        const d = source[j];
        if (d === "\\") {
          j += 2;
          continue;
        }
        if (c === "/" && d === "[") inClass = true;
        else if (c === "/" && d === "]") inClass = false;
        else if (d === c && !inClass) break;
        else if (c !== "`" && d === "\n") break;
        j++;
      }
      const literal = source.slice(i, Math.min(j + 1, source.length));
      if (strings || c === "/" || c === "`") {
        out += c;
        hide(literal.slice(1, -1));
        if (literal.length > 1) out += literal[literal.length - 1];
      } else {
        keep(literal);
      }
      lastSignificant = c;
      i = j + 1;
    } else {
      keep(c);
      if (!/\s/.test(c)) lastSignificant = c;
      i++;
    }
  }
  return out;
}

const IMPORT = /\b(?:from\s*|import\s*\(?\s*|require\s*\(\s*)(["'])([^"'\n]+)\1/g;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(?:ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

function importsOf(file: string): { specifier: string; line: number }[] {
  const code = blank(readFileSync(file, "utf8"), false);
  return [...code.matchAll(IMPORT)].map((match) => ({
    specifier: match[2] as string,
    line: lineOf(code, match.index ?? 0),
  }));
}

/**
 * Checks the firmware: every file under the firmware folders imports only modules some
 * platform's manifest provides and uses no host globals; then, for each claimed platform,
 * every file reachable from `main` on that platform imports only what that platform has.
 */
export function checkFirmware(root: string, folders: readonly string[] = ["src", "drivers"]): Offence[] {
  const manifestPath = join(root, "manifest.json");
  const platforms = claimedPlatforms(manifestPath);
  const perPlatform = new Map(
    (platforms.length > 0 ? platforms : [undefined]).map((p) => [p, allowedModules(manifestPath, p)] as const),
  );
  const union: Allowed = { names: new Set(), files: new Map(), wildcards: [], problems: [] };
  for (const allowed of perPlatform.values()) {
    for (const name of allowed.names) union.names.add(name);
    for (const [name, file] of allowed.files) union.files.set(name, file);
    union.wildcards.push(...allowed.wildcards);
    for (const problem of allowed.problems) if (!union.problems.includes(problem)) union.problems.push(problem);
  }
  const offences: Offence[] = union.problems.map((message) => ({ file: "manifest.json", line: 1, message }));
  const firmwareDirs = folders.map((folder) => resolve(root, folder));
  for (const file of folders.flatMap((folder) => sourceFiles(join(root, folder)))) {
    const name = relative(root, file);
    for (const { specifier, line } of importsOf(file)) {
      const message = importProblem(specifier, file, firmwareDirs, union);
      if (message !== undefined) offences.push({ file: name, line, message });
    }
    const bare = blank(readFileSync(file, "utf8"), true);
    const globals = new RegExp(`(?<![.\\w$#])(${HOST_GLOBALS.join("|")})(?![\\w$])(?!\\s*:(?!:))(?!\\?:)`, "g");
    for (const match of bare.matchAll(globals)) {
      if (isMethodDeclaration(bare, (match.index ?? 0) + (match[1] as string).length)) continue;
      offences.push({
        file: name,
        line: lineOf(bare, match.index ?? 0),
        message: `uses host global ${match[1]}, which a Moddable device does not have`,
      });
    }
  }
  for (const [platform, allowed] of perPlatform) {
    if (platform === undefined) continue;
    const seen = new Set<string>();
    const queue = [resolveModule("main", allowed)].filter((f): f is string => f !== undefined);
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file) || !existsSync(file)) continue;
      seen.add(file);
      for (const { specifier, line } of importsOf(file)) {
        if (specifier.startsWith("./") || specifier.startsWith("../")) {
          queue.push(resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
          continue;
        }
        const target = resolveModule(specifier, allowed);
        if (target !== undefined) queue.push(target);
        else if (!allowed.names.has(specifier) && union.names.has(specifier)) {
          offences.push({
            file: relative(root, file),
            line,
            message: `imports "${specifier}", which the manifest does not provide on ${platform}`,
          });
        }
      }
    }
  }
  return offences;
}

/** `name(params) {` or `name(params): T` in a class or interface: a member named like a global, not a use. */
function isMethodDeclaration(code: string, afterName: number): boolean {
  let i = afterName;
  while (code[i] === " ") i++;
  if (code[i] !== "(") return false;
  let depth = 0;
  for (; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) break;
  }
  const rest = code.slice(i + 1).trimStart();
  return rest.startsWith("{") || rest.startsWith(":");
}

/** A project module's source file on a platform (named module or wildcard), if it is one. */
function resolveModule(specifier: string, allowed: Allowed): string | undefined {
  const named = allowed.files.get(specifier);
  if (named !== undefined) return named;
  for (const { prefix, dir } of allowed.wildcards) {
    const file = join(dir, `${specifier.slice(prefix.length)}.ts`);
    if (specifier.startsWith(prefix) && existsSync(file)) return file;
  }
  return undefined;
}

function importProblem(
  specifier: string,
  file: string,
  firmwareDirs: readonly string[],
  allowed: Allowed,
): string | undefined {
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
    if (!firmwareDirs.some((dir) => target.startsWith(`${dir}/`)))
      return `imports ${specifier}, which is outside src/ and drivers/`;
    if (!existsSync(target) && !existsSync(target.replace(/\.ts$/, ".js")))
      return `imports ${specifier}, which does not exist`;
    return undefined;
  }
  if (allowed.names.has(specifier) || resolveModule(specifier, allowed) !== undefined) return undefined;
  return `imports "${specifier}", which no manifest provides to the device`;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

test("firmware (src/, drivers/) imports only manifest modules and uses no host globals", () => {
  const offences = checkFirmware(projectRoot);
  assert.ok(sourceFiles(join(projectRoot, "src")).length >= 10, "the check sees the firmware's files");
  assert.deepEqual(
    offences.map((o) => `${o.file}:${o.line}: ${o.message}`),
    [],
  );
});

test("the purity check names file and line of each kind of offence", () => {
  const root = mkdtempSync(join(tmpdir(), "luxflow-purity-"));
  try {
    mkdirSync(join(root, "src"));
    mkdirSync(join(root, "drivers"));
    writeFileSync(
      join(root, "manifest.json"),
      JSON.stringify({
        include: [
          "$(MODDABLE)/examples/manifest_base.json",
          "$(MODDABLE)/modules/io/manifest.json",
          "./drivers/manifest.json",
        ],
        modules: { "*": "./src/*" },
      }),
    );
    writeFileSync(join(root, "drivers", "manifest.json"), JSON.stringify({ modules: { "embedded:sensor/X": "./x" } }));
    writeFileSync(join(root, "drivers", "x.ts"), "export const x = 1;\n");
    writeFileSync(join(root, "src", "ok.ts"), "export const ok = 1;\n");
    writeFileSync(
      join(root, "src", "bad.ts"),
      [
        'import Timer from "timer";',
        'import X from "embedded:sensor/X";',
        'import { ok } from "./ok.js";',
        '// Buffer in a comment and "process" in a string are fine',
        'const note = "setTimeout(x)";',
        'import { readFileSync } from "node:fs";',
        'import mqtt from "mqtt";',
        'import { Board } from "../host-sim/board.js";',
        "const bytes = Buffer.from([1]);",
        "setTimeout(() => undefined, 5);",
        "const options = { process: 1 };",
        "const env = process.env;",
        "export { Timer, X, ok, note, readFileSync, mqtt, Board, bytes, options, env };",
        'export const text = `joined from "${note}" /${ok}/`;',
        "export class Task { setInterval(ms: number): void { void ms; } }",
      ].join("\n"),
    );
    const found = checkFirmware(root).map((o) => `${o.file}:${o.line}: ${o.message}`);
    assert.deepEqual(found, [
      'src/bad.ts:6: imports "node:fs", which no manifest provides to the device',
      'src/bad.ts:7: imports "mqtt", which no manifest provides to the device',
      "src/bad.ts:8: imports ../host-sim/board.js, which is outside src/ and drivers/",
      "src/bad.ts:9: uses host global Buffer, which a Moddable device does not have",
      "src/bad.ts:10: uses host global setTimeout, which a Moddable device does not have",
      "src/bad.ts:12: uses host global process, which a Moddable device does not have",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("an SDK manifest the check does not know is itself an offence", () => {
  const root = mkdtempSync(join(tmpdir(), "luxflow-purity-"));
  try {
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "manifest.json"), JSON.stringify({ include: ["$(MODULES)/network/mqtt/manifest.json"] }));
    writeFileSync(join(root, "src", "main.ts"), 'import Timer from "timer";\nexport default Timer;\n');
    const found = checkFirmware(root).map((o) => `${o.file}:${o.line}: ${o.message}`);
    assert.equal(found.length, 2);
    assert.match(
      found[0] as string,
      /include \$\(MODULES\)\/network\/mqtt\/manifest\.json is not in the purity check's SDK table/,
    );
    assert.equal(found[1], 'src/main.ts:1: imports "timer", which no manifest provides to the device');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("per platform: a module only one platform's manifest provides, imported on the other, is named with the platform", () => {
  const root = mkdtempSync(join(tmpdir(), "luxflow-purity-"));
  try {
    mkdirSync(join(root, "src"));
    writeFileSync(
      join(root, "manifest.json"),
      JSON.stringify({
        include: ["$(MODDABLE)/modules/io/manifest.json"],
        modules: { "*": "./src/*" },
        platforms: {
          esp: { modules: { "secure": "./src/secure-esp" } },
          esp32: {
            modules: { "secure": "./src/secure-esp32" },
            include: ["$(MODDABLE)/examples/io/tcp/tlssocket/manifest.json"],
          },
          "...": { error: "unsupported" },
        },
      }),
    );
    writeFileSync(
      join(root, "src", "main.ts"),
      'import secure from "secure";\nexport default function main(): void { secure(); }\n',
    );
    writeFileSync(
      join(root, "src", "secure-esp32.ts"),
      'import TLS from "embedded:io/socket/tcp/tls";\nexport default function secure(): unknown { return TLS; }\n',
    );
    writeFileSync(
      join(root, "src", "secure-esp.ts"),
      '// copied from the ESP32 file by mistake\nimport TLS from "embedded:io/socket/tcp/tls";\nexport default function secure(): unknown { return TLS; }\n',
    );
    const found = checkFirmware(root).map((o) => `${o.file}:${o.line}: ${o.message}`);
    assert.deepEqual(found, [
      'src/secure-esp.ts:2: imports "embedded:io/socket/tcp/tls", which the manifest does not provide on esp',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
