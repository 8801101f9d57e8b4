// Device health as a second scheduler source, published on <sensor_id>/health on its own
// interval (health_interval), the way a Losant device reports its disk space: heap in use
// (Moddable `instrumentation`, where the build has it), Wi-Fi RSSI, uptime, the offline
// queue, readings dropped, I2C errors, MQTT reconnects. A value the board cannot measure is
// null, never a guess.
import { QUEUED, RECORD, type Outbox } from "./mqtt/outbox.js";
import type { BoardExtras } from "./platform.js";
import type { Schedule, Source } from "./scheduler.js";
import type { WriterOptions } from "./writer.js";

export interface HealthInputs {
  uptime(): number;
  heap?: (() => number | undefined) | undefined;
  rssi?: (() => number | undefined) | undefined;
  /** Publishes waiting in the MQTT outbox, and readings kept in flash (queue_persist). */
  queued(): number;
  persisted(): number;
  /** Readings lost: dropped unsent by a full outbox, overwritten in the journal, or rejected as unsendable. */
  dropped(): number;
  i2cErrors(): number;
  reconnects(): number;
  readings(): number;
  /** Sample periods the scheduler could not keep (board too busy) and sources that threw. */
  skipped(): number;
}

/** The parts of the running app the health inputs read (src/app.ts). */
export interface HealthParts {
  readonly time: { uptime(): number };
  readonly connection: {
    readonly outbox: { readonly length: number };
    readonly stats: { readonly reconnects: number };
  };
  readonly readingDrops: { readonly lost: number };
  readonly journal: { readonly length: number; readonly dropped: number } | undefined;
  readonly readingsWriter: { readonly rejected: number };
  readonly light: { readonly errors: number; readonly stats: { readonly readings: number } };
  readonly lightSchedule: Schedule | undefined;
}

/** Health inputs as methods of one object reading the app. */
export class HealthInputsOf implements HealthInputs {
  readonly heap: (() => number | undefined) | undefined;
  readonly rssi: (() => number | undefined) | undefined;

  constructor(
    private readonly app: HealthParts,
    platform: BoardExtras,
  ) {
    this.heap = platform.heap;
    this.rssi = platform.rssi;
  }

  uptime(): number {
    return this.app.time.uptime();
  }
  queued(): number {
    return this.app.connection.outbox.length;
  }
  persisted(): number {
    return this.app.journal?.length ?? 0;
  }
  dropped(): number {
    return this.app.readingDrops.lost + this.app.readingsWriter.rejected + (this.app.journal?.dropped ?? 0);
  }
  i2cErrors(): number {
    return this.app.light.errors;
  }
  reconnects(): number {
    return this.app.connection.stats.reconnects;
  }
  readings(): number {
    return this.app.light.stats.readings;
  }
  skipped(): number {
    const s = this.app.lightSchedule;
    return (s?.skipped ?? 0) + (s?.failures ?? 0);
  }
}

/**
 * Readings lost from the outbox. A full outbox drops its oldest entries, of any topic, and
 * its own count (connection.stats.dropped) includes them all: in a burst of commands nearly
 * all are acknowledgements and states already sent and only awaiting their PUBACK, which the
 * broker has. Here only readings (the outbox's RECORD entries: readings are queued as records,
 * nothing else is) dropped before they were sent on the current connection (QUEUED: never
 * sent, or sent on a connection that died unacknowledged) are counted. It listens to the
 * outbox's drops ahead of the publisher, which it then tells.
 */
export class ReadingDrops {
  lost = 0;
  readonly #next: Outbox["onDrop"];

  constructor(private readonly outbox: Outbox) {
    this.#next = outbox.onDrop;
    outbox.onDrop = this;
  }

  dropped(at: number): void {
    const flags = this.outbox.flags(at);
    if ((flags & RECORD) !== 0 && (flags & 3) === QUEUED) this.lost++;
    this.#next?.dropped(at);
  }
}

export interface HealthReport {
  readonly uptime: number;
  readonly heap: number | null;
  readonly rssi: number | null;
  readonly queue: number;
  readonly persisted: number;
  readonly dropped: number;
  readonly i2c_errors: number;
  readonly reconnects: number;
  readonly readings: number;
  readonly skipped: number;
}

export class HealthSource implements Source<HealthReport> {
  constructor(private readonly inputs: HealthInputs) {}

  sample(): HealthReport {
    const i = this.inputs;
    return {
      uptime: Math.floor(i.uptime() / 1000),
      heap: orNull(i.heap?.()),
      rssi: orNull(i.rssi?.()),
      queue: i.queued(),
      persisted: i.persisted(),
      dropped: i.dropped(),
      i2c_errors: i.i2cErrors(),
      reconnects: i.reconnects(),
      readings: i.readings(),
      skipped: i.skipped(),
    };
  }
}

function orNull(value: number | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The report as the JSON object published on the health topic. */
export function healthPayload(sensorId: string, report: HealthReport): string {
  return JSON.stringify({ sensor_id: sensorId, ...report });
}

/** The health writer's options, the payload formatted by a method (docs/xs-memory.md). */
export class HealthFormat implements WriterOptions<HealthReport> {
  readonly qos = 0;
  constructor(
    readonly topic: string,
    private readonly sensorId: string,
  ) {}
  format(h: HealthReport): string {
    return healthPayload(this.sensorId, h);
  }
}
