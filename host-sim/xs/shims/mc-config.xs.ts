// Moddable `mc/config` inside XS: the board's configuration, deep-frozen as mcconfig emits it.
import { call, deepFreeze } from "./host.js";

const config = deepFreeze(call({ op: "config" }) as Record<string, unknown>);

export default config;
