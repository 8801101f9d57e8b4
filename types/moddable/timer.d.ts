// Moddable SDK `timer` module (documentation/base/base.md, § Timer).
// The device has no setTimeout/setInterval globals: firmware uses this module.
declare module "timer" {
  export type TimerID = object;
  type TimerCallback = (id: TimerID) => void;
  const Timer: {
    set(callback: TimerCallback, milliseconds?: number, repeat?: number): TimerID;
    repeat(callback: TimerCallback, milliseconds: number): TimerID;
    schedule(id: TimerID, milliseconds?: number, repeat?: number): void;
    clear(id: TimerID | undefined | null): void;
    delay(milliseconds: number): void;
  };
  export default Timer;
}
