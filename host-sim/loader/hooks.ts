// Node module-resolution hooks that give the unmodified firmware the module names a
// Moddable device has. On the device, mcconfig resolves them from manifests; here:
//  - platform modules (`timer`, `mc/config`, `wifi`, `net`, `embedded:io/…`; the table is
//    host-sim/module-stand-ins.ts) resolve to the simulated board's implementations in
//    host-sim/platform/;
//  - project modules named in manifest.json and the local manifests it includes (e.g.
//    `embedded:sensor/AmbientLight/TSL2591`) resolve to their compiled files, so the
//    manifest stays the one place that names them.
import { readFileSync } from "node:fs";
import { nodeStandIn } from "../module-stand-ins.js";

type ResolveResult = { url: string; shortCircuit?: boolean; format?: string };
type NextResolve = (specifier: string, context: unknown) => Promise<ResolveResult>;
interface Manifest {
  include?: string[];
  modules?: Record<string, string | string[]>;
}

const platformDir = new URL("../platform/", import.meta.url);
const buildRoot = new URL("../../", import.meta.url);
const projectRoot = new URL("../../../", import.meta.url);

/** Named (non-wildcard) module specifiers of the project's manifests → compiled file URLs. */
export function projectModules(manifestUrl: URL, out: Record<string, string> = {}): Record<string, string> {
  const manifest = JSON.parse(readFileSync(manifestUrl, "utf8")) as Manifest;
  const dir = new URL(".", manifestUrl);
  const relative = dir.href.slice(projectRoot.href.length);
  for (const [name, path] of Object.entries(manifest.modules ?? {})) {
    if (name.includes("*") || typeof path !== "string" || !path.startsWith("./")) continue;
    out[name] = new URL(`${relative}${path.slice(2)}.js`, buildRoot).href;
  }
  for (const include of manifest.include ?? []) {
    if (include.startsWith("./")) projectModules(new URL(include, dir), out);
  }
  return out;
}

const project = projectModules(new URL("manifest.json", projectRoot));

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<ResolveResult> {
  const platformFile = nodeStandIn(specifier);
  if (platformFile !== undefined) return { url: new URL(platformFile, platformDir).href, shortCircuit: true };
  const projectUrl = project[specifier];
  if (projectUrl !== undefined) return { url: projectUrl, shortCircuit: true };
  return next(specifier, context);
}
