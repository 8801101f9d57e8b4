// Device health as a second scheduler source, published on <sensor_id>/health on its own
// interval (health_interval), the way a Losant device reports its disk space: heap in use
// (Moddable `instrumentation`, where the build has it), Wi-Fi RSSI, uptime, the offline
// queue, readings dropped, I2C errors, MQTT reconnects. A value the board cannot measure is
// null, never a guess.
import type { Source } from "./scheduler.js";

export interface HealthInputs {
  uptime(): number;
  heap?: (() => number | undefined) | undefined;
  rssi?: (() => number | undefined) | undefined;
  /** Publishes waiting in the MQTT outbox, and readings kept in flash (queue_persist). */
  queued(): number;
  persisted(): number;
  /** Readings lost: dropped by a full outbox or journal, or rejected as unsendable. */
  dropped(): number;
  i2cErrors(): number;
  reconnects(): number;
  readings(): number;
  /** Sample periods the scheduler could not keep (board too busy) and sources that threw. */
  skipped(): number;
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
