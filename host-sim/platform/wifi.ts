// Moddable classic `wifi` on the simulated board's access point.
import { currentBoard } from "../registry.js";

export default currentBoard().wifiModule();
