// The simulated board's RTC domain, the part of the chip deep sleep leaves powered: a few
// bytes of RTC memory (64, what src/board/esp-sleep and esp32-sleep give the firmware) and
// the reset reason. RAM is the firmware instance, which deep sleep discards; the flash
// (parts/flash.ts) and this part are kept. After power-on the memory holds garbage, as on the
// chip, so the firmware must check what it reads.
export const RTC_BYTES = 64;

export class SimRtc {
  readonly #memory = new Uint8Array(RTC_BYTES);
  /** The reset reason the firmware reads: true after a wake from deep sleep. */
  woke = false;
  writes = 0;

  constructor() {
    // Power-on garbage: a fixed pattern, so runs are repeatable.
    for (let i = 0; i < RTC_BYTES; i++) this.#memory[i] = (i * 37 + 11) & 0xff;
  }

  read(): ArrayBuffer {
    return this.#memory.slice().buffer;
  }

  write(data: ArrayBuffer): void {
    if (data.byteLength > RTC_BYTES)
      throw new RangeError(`RTC memory holds ${RTC_BYTES} bytes (got ${data.byteLength})`);
    this.#memory.set(new Uint8Array(data));
    this.writes++;
  }
}
