// Boards without deep sleep (Moddable's desktop simulator, -p lin): `sleep_mode=deep` there is
// a config error line at boot and the board stays awake (src/app.ts).
import type { DeepSleep } from "../platform.js";

const none: DeepSleep | undefined = undefined;
export default none;
