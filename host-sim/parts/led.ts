// The simulated board's LED (ECMA-419 Digital output on device.pin.led): remembers every
// change so tests see blinks, and prints `sim: led on|off` lines with the board's trace.
export class SimLed {
  on = false;
  readonly changes: { at: number; on: boolean }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly trace: (text: string) => void,
  ) {}

  write(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.changes.push({ at: this.now(), on });
    this.trace(`sim: led ${on ? "on" : "off"}\n`);
  }
}
