// Moddable `preference` on the simulated board: its flash (host-sim/parts/flash.ts).
import type { PreferenceValue } from "../../src/platform.js";
import { currentBoard } from "../registry.js";

const Preference = Object.freeze({
  get: (domain: string, key: string) => currentBoard().flash.get(domain, key),
  set: (domain: string, key: string, value: PreferenceValue) => currentBoard().flash.set(domain, key, value),
  delete: (domain: string, key: string) => currentBoard().flash.delete(domain, key),
  keys: (domain: string) => currentBoard().flash.keys(domain),
});

export default Preference;
