// Moddable `mc/config` on the simulated board: its frozen configuration.
import { currentBoard } from "../registry.js";

export default currentBoard().config;
