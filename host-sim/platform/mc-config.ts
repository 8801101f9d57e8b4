// Moddable `mc/config` on the simulated board: its frozen configuration. The module is loaded
// once per process and boards may share it (the fleet), so each read is of the board the
// firmware is running on.
import { currentBoard } from "../registry.js";

const config = () => currentBoard().config;

export default new Proxy({} as Readonly<Record<string, unknown>>, {
  get: (_target, key) => Reflect.get(config(), key),
  has: (_target, key) => Reflect.has(config(), key),
  ownKeys: () => Reflect.ownKeys(config()),
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(config(), key);
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
});
