// The simulated board's I2C bus: targets attach at a 7-bit address and see each
// transaction as the bytes of one START…STOP (or repeated-START) segment.
// A target that does not acknowledge returns false / undefined, as a NACK.

export interface I2CTarget {
  /** A write segment addressed to this target; false = NACK. */
  write(bytes: Uint8Array): boolean;
  /** A read segment of `count` bytes; undefined = NACK. */
  read(count: number): Uint8Array | undefined;
}

export class I2CBus {
  readonly #targets = new Map<number, I2CTarget>();
  /** Each transaction, in order, for tests that assert register sequences. */
  readonly log: { address: number; kind: "write" | "read"; bytes: Uint8Array; ack: boolean }[] = [];
  logging = false;

  attach(address: number, target: I2CTarget): void {
    if (this.#targets.has(address)) throw new Error(`i2c: address 0x${address.toString(16)} already in use`);
    this.#targets.set(address, target);
  }

  detach(address: number): void {
    this.#targets.delete(address);
  }

  write(address: number, bytes: Uint8Array): boolean {
    const target = this.#targets.get(address);
    const ack = target !== undefined && target.write(bytes);
    if (this.logging) this.log.push({ address, kind: "write", bytes: bytes.slice(), ack });
    return ack;
  }

  read(address: number, count: number): Uint8Array | undefined {
    const target = this.#targets.get(address);
    const bytes = target?.read(count);
    if (this.logging)
      this.log.push({ address, kind: "read", bytes: bytes?.slice() ?? new Uint8Array(0), ack: bytes !== undefined });
    return bytes;
  }
}
