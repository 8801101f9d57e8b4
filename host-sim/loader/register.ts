// Installs the simulated board's module resolution into Node (node --import).
// See hooks.ts for what is resolved and why.
import { register } from "node:module";

register("./hooks.js", import.meta.url);
