// Moddable `sntp` on the simulated board: answers (1, seconds) from the host's clock after a
// short delay, or fails (-1) when the board is told it has no time server (sim_sntp=0).
import { currentBoard, onThisBoard } from "../registry.js";

export default class SNTP {
  constructor(options: { host: string }, callback: (message: number, value?: unknown) => string | void) {
    currentBoard().sntp(
      options.host,
      onThisBoard((seconds: number | undefined) => {
        if (seconds === undefined) callback(-1, "no response from SNTP server");
        else callback(1, seconds);
      }),
    );
  }

  close(): void {}
}
