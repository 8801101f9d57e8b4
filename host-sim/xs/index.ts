// `engine=xs`: runs the unmodified firmware on Moddable's XS engine (an xsnap-worker child
// process) on top of the same simulated Board the Node engine uses.
//
//   const run = await runOnXs(board);      // bundle, load (preload freeze), call main()
//   await run.idle();                       // every board event so far delivered to XS
//   await run.advance(5000);                // VirtualClock boards: step time, XS in lockstep
//   await run.stop();                       // board power-off for XS: timers, sockets, worker
//
// Board events (timer fired, bytes arrived, Wi-Fi message) reach XS one per turn, in order,
// as callbacks do on the device. An exception that escapes a firmware callback ends the run
// (the device would abort): it is traced as an <error> line and kept in `failure`.
import { VirtualClock } from "../clock.js";
import { XsBridge, type XsBoard, type XsEvent } from "./bridge.js";
import { bundleForXs, type XsBundle } from "./bundle.js";
import { XsWorker, type Meter } from "./worker.js";

export type { XsBoard, XsEvent } from "./bridge.js";
export type { XsBundle } from "./bundle.js";
export type { Meter } from "./worker.js";

export interface RunOnXsOptions {
  /** A prebuilt bundle (tests and benches reuse one); default: built now from src/main.ts. */
  readonly bundle?: XsBundle;
  /** Freeze module-level firmware objects after load, as Moddable preload does; default true. */
  readonly preload?: boolean;
  /** Take the shims' own bytecodes out of the compute meter (native code on the device); default true. */
  readonly meterFirmwareOnly?: boolean;
  /** Called after each turn with the event, the engine's meter for it, and the board requests it made by kind. */
  readonly onTurn?: (event: XsEvent, meter: Meter, requests: Readonly<Record<string, number>>) => void;
  /** Called after the modules are loaded (and frozen), before main() runs (benches measure here). */
  readonly beforeMain?: (worker: XsWorker) => Promise<void>;
  /** Called once if the firmware throws out of a callback (the run stops delivering events). */
  readonly onFatal?: (error: Error) => void;
}

export interface XsRun {
  readonly worker: XsWorker;
  readonly bundle: XsBundle;
  /** Module-level values the preload freeze could not freeze (e.g. typed arrays), by name. */
  readonly preloadProblems: readonly string[];
  /** Meter of the load turn (all module bodies) and of the main() turn. */
  readonly loadMeter: Meter;
  readonly mainMeter: Meter;
  /** The error that stopped the run, if any. */
  readonly failure: Error | undefined;
  /** Resolves once every event queued so far has been handled by XS. */
  idle(): Promise<void>;
  /** VirtualClock boards: advances time in steps so XS timers fire in order, each turn done before the next. */
  advance(milliseconds: number): Promise<void>;
  /** Sends one event to XS as a turn (benches: "gc"). */
  command(event: XsEvent): Promise<{ reply: unknown; meter: Meter }>;
  /** Cancels XS timers, closes its sockets and stations, and ends the worker. */
  stop(): Promise<void>;
}

const encode = (event: XsEvent) => Buffer.from(JSON.stringify(event), "utf8");

/** What restart() needs of the board besides the bridge's needs (host-sim/board.ts has them). */
interface RestartableBoard extends XsBoard {
  restarts?: number;
  shutdown?(): void;
  /** Deep sleep (host-sim/board.ts): time passes, RTC kept, then `boot` runs. */
  afterSleep?(ms: number, boot: () => void): void;
  readonly rtc?: XsBoard["rtc"] & { woke: boolean };
}

export async function runOnXs(board: RestartableBoard, options: RunOnXsOptions = {}): Promise<XsRun> {
  const bundle = options.bundle ?? (await bundleForXs({ preload: options.preload !== false }));
  const queue: XsEvent[] = [];
  let pumping = false;
  let failure: Error | undefined;
  let stopped = false;
  const waiters: (() => void)[] = [];
  let requests: Record<string, number> = {};

  function fail(error: Error): void {
    if (failure !== undefined || stopped) return;
    failure = error;
    queue.length = 0;
    board.trace(`<error> xs: ${error.message}\n`);
    options.onFatal?.(error);
  }

  /** One power-on of the board: a fresh XS machine and bridge, modules loaded, main() run. */
  async function boot(): Promise<{ worker: XsWorker; bridge: XsBridge; load: Meter; main: Meter }> {
    const bridge: XsBridge = new XsBridge(board, (event) => {
      if (failure !== undefined || stopped || current?.bridge !== bridge) return;
      queue.push(event);
      void pump();
    });
    bridge.onRestart = () => restart(bridge);
    bridge.onDeepSleep = (microseconds) => deepSleep(bridge, microseconds);
    const worker = new XsWorker({
      name: "luxflow-xs",
      onQuery: (request) => {
        const message = JSON.parse(Buffer.from(request).toString("utf8")) as { op: string };
        requests[message.op] = (requests[message.op] ?? 0) + 1;
        let reply: unknown;
        try {
          reply = bridge.handle(message);
        } catch (error) {
          reply = { error: error instanceof Error ? error.message : String(error) };
        }
        return Buffer.from(JSON.stringify(reply ?? null), "utf8");
      },
      onStdout: (text) => board.trace(text),
    });
    current = { worker, bridge };
    last = current;
    const load = await worker.evaluate(bundle.script);
    if (options.meterFirmwareOnly === false) await worker.command(encode({ kind: "meter", exclude: false }));
    await options.beforeMain?.(worker);
    const main = await worker.command(encode({ kind: "main" }));
    return { worker, bridge, load: load.meter, main: main.meter };
  }

  let current: { worker: XsWorker; bridge: XsBridge } | undefined;
  let last: { worker: XsWorker; bridge: XsBridge } | undefined;

  /** System.restart(): the board goes down (RAM lost, flash kept) and boots main again, like Board.restart. */
  function restart(from: XsBridge): void {
    if (current?.bridge !== from || stopped) return;
    const old = current;
    board.restarts = (board.restarts ?? 0) + 1;
    if (board.rtc !== undefined) board.rtc.woke = false;
    board.trace(`sim: restart ${board.restarts}\n`);
    powerDown(old, (bootAgain) => board.clock.set(bootAgain, 10));
  }

  /** The machine's RAM is lost: it is stopped and discarded, and `later` boots a fresh one. */
  function powerDown(old: { worker: XsWorker; bridge: XsBridge }, later: (bootAgain: () => void) => void): void {
    old.bridge.stop();
    current = undefined;
    queue.length = 0;
    later(() => {
      void old.worker.terminate().then(async () => {
        if (stopped) return;
        try {
          await boot();
        } catch (error) {
          fail(error as Error);
        }
      });
    });
  }

  /** Deep sleep: this XS machine is discarded (RAM lost), the board sleeps, a fresh one boots. */
  function deepSleep(from: XsBridge, microseconds: number): void {
    if (current?.bridge !== from || stopped || board.afterSleep === undefined) return;
    powerDown(current, (bootAgain) => board.afterSleep?.(microseconds / 1000, bootAgain));
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    while (queue.length > 0 && failure === undefined && !stopped && current !== undefined) {
      const event = queue.shift() as XsEvent;
      const { worker } = current;
      try {
        requests = {};
        const { meter } = await worker.command(encode(event));
        options.onTurn?.(event, meter, requests);
      } catch (error) {
        if (current?.worker === worker) fail(error as Error);
      }
    }
    pumping = false;
    for (const resolve of waiters.splice(0)) resolve();
  }

  function idle(): Promise<void> {
    if (!pumping && queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => waiters.push(resolve));
  }

  const first = await boot();
  const live = () => current ?? last ?? first;

  const run: XsRun = {
    get worker() {
      return live().worker;
    },
    bundle,
    get preloadProblems() {
      return live().bridge.preloadProblems;
    },
    loadMeter: first.load,
    mainMeter: first.main,
    get failure() {
      return failure;
    },
    idle,
    async advance(milliseconds: number): Promise<void> {
      const clock = board.clock;
      if (!(clock instanceof VirtualClock)) throw new Error("advance() needs a board on a VirtualClock");
      const end = clock.now() + milliseconds;
      await idle();
      for (;;) {
        const due = live().bridge.nextTimerDue();
        if (due === undefined || due > end) break;
        clock.advance(Math.max(0, due - clock.now()));
        await idle();
      }
      clock.advance(end - clock.now());
      await idle();
    },
    async command(event: XsEvent) {
      const { reply, meter } = await live().worker.command(encode(event));
      const text = Buffer.from(reply).toString("utf8");
      return { reply: text === "" ? undefined : (JSON.parse(text) as unknown), meter };
    },
    async stop(): Promise<void> {
      if (stopped) return;
      // Power-off: nothing more runs. A turn already in the engine finishes; what it does
      // against the stopped board is not a firmware failure.
      stopped = true;
      queue.length = 0;
      live().bridge.stop();
      await idle();
      await live().worker.close();
    },
  };
  return run;
}
