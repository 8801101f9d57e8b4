// Globals of a Moddable device: `trace` (xs/includes/xs.d.ts) and the ECMA-419 `device`
// provider (typings/global.d.ts, modules/io/system/system.js). Only what the firmware uses.

interface ModdableIOClass<T> { new (options: never): T }

interface ModdableI2CBus {
  readonly io: unknown;
  readonly data: number;
  readonly clock: number;
  readonly port?: number;
}

interface ModdableDevice {
  readonly I2C: { readonly default?: ModdableI2CBus };
  readonly io: { readonly SMBus: unknown; readonly [name: string]: unknown };
  readonly pin?: { readonly led?: number; readonly button?: number };
}

declare const device: ModdableDevice;
declare function trace(...values: unknown[]): void;
