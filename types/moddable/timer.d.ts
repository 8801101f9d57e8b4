// Moddable SDK `timer` (documentation/base/base.md § Timer), declared as the SDK's own
// typings/timer.d.ts declares it: a class with a private brand, so a handle is a `Timer`,
// not any object. The device has no setTimeout/setInterval globals: firmware uses this.
declare module "timer" {
  export type TimerCallback = (timer: Timer) => void;
  class Timer {
    private constructor();
    private brand: boolean;
    static set: (callback: TimerCallback, interval?: number, repeat?: number) => Timer;
    static repeat: (callback: TimerCallback, interval: number) => Timer;
    static schedule: (timer: Timer, interval?: number, repeat?: number) => void;
    static clear: (timer: Timer | undefined | null) => void;
    static delay: (milliseconds: number) => void;
  }
  export { Timer as default };
}
