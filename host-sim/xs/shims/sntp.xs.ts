// Moddable `sntp` inside XS: the board answers (Board.sntp) as a board event.
import { call, onEvent } from "./host.js";

type Callback = (message: number, value?: unknown) => string | void;

const pending = new Map<number, Callback>();
let nextId = 1;

onEvent("sntp", (event) => {
  const callback = pending.get(event.id as number);
  pending.delete(event.id as number);
  if (typeof event.seconds === "number") callback?.(1, event.seconds);
  else callback?.(-1, "no response from SNTP server");
});

export default class SNTP {
  readonly #id: number;

  constructor(options: { host: string }, callback: Callback) {
    this.#id = nextId++;
    pending.set(this.#id, callback);
    call({ op: "sntp", id: this.#id, host: options.host });
  }

  close(): void {
    pending.delete(this.#id);
  }
}
