// Installs the simulated board's module resolution into Node (node --import).
// See hooks.ts for what is resolved and why; xs-builtins.ts adds the XS built-ins the
// firmware may use (ArrayBuffer.fromString).
import { register } from "node:module";
import "./xs-builtins.js";

register("./hooks.js", import.meta.url);
