// The collector's output file: appends whole rows with one write each (a row is on disk
// before its PUBLISH is acknowledged), starts every file with the header, rotates by size
// and/or by UTC day, and on start reads back the tail of what it wrote before so appending
// after a restart is idempotent (the seqs written are recovered; a torn last row,
// never acknowledged to the broker, is cut off and will be redelivered).
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { HEADER, writtenSeqs, type WrittenSeq } from "./csv.js";

export interface CsvFileOptions {
  readonly path: string;
  /** Rotate before a row would take the file past this many bytes (0 = never). */
  readonly rotateBytes: number;
  /** Rotate when the UTC day changes. */
  readonly rotateDaily: boolean;
  /** Bytes of the newest files read back on start. */
  readonly recoverBytes: number;
  readonly now: () => number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class CsvFile {
  readonly #o: CsvFileOptions;
  #fd: number;
  #size: number;
  #day: string;
  /** Files rotated away by this process. */
  readonly rotated: string[] = [];

  constructor(options: CsvFileOptions) {
    this.#o = options;
    const existed = existsSync(options.path);
    this.#fd = openSync(options.path, "a+");
    const st = fstatSync(this.#fd);
    this.#size = st.size;
    this.#day = day(existed && st.size > 0 ? st.mtimeMs : options.now());
    this.#cutTornRow();
    if (this.#size === 0) this.#write(`${HEADER}\n`);
  }

  /** Path of a file rotated away on `d` that does not exist yet. */
  #rotatedName(d: string): string {
    const ext = extname(this.#o.path);
    const stem = join(dirname(this.#o.path), basename(this.#o.path, ext));
    for (let n = 0; ; n++) {
      const candidate = `${stem}-${d}${n === 0 ? "" : `.${n}`}${ext}`;
      if (!existsSync(candidate)) return candidate;
    }
  }

  #cutTornRow(): void {
    if (this.#size === 0) return;
    const back = Math.min(this.#size, 64 * 1024);
    const buf = Buffer.alloc(back);
    readSync(this.#fd, buf, 0, back, this.#size - back);
    if (buf[back - 1] === 0x0a) return;
    const nl = buf.lastIndexOf(0x0a);
    const keep = nl < 0 ? this.#size - back : this.#size - back + nl + 1;
    ftruncateSync(this.#fd, keep);
    this.#size = keep;
  }

  #write(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    let done = 0;
    while (done < bytes.length) done += writeSync(this.#fd, bytes, done, bytes.length - done, null);
    this.#size += bytes.length;
  }

  /** The (device, boot, seq) of the rows in the newest files' tails (this one, then the rotated ones), oldest first. */
  recover(): WrittenSeq[] {
    const files = [this.#o.path, ...this.#previous()];
    let seqs: WrittenSeq[] = [];
    let budget = this.#o.recoverBytes;
    for (const file of files) {
      if (budget <= 0) break;
      const fd = openSync(file, "r");
      try {
        const size = fstatSync(fd).size;
        const n = Math.min(size, budget);
        const buf = Buffer.alloc(n);
        readSync(fd, buf, 0, n, size - n);
        budget -= n;
        seqs = [...writtenSeqs(buf.toString("utf8"), n < size), ...seqs];
      } finally {
        closeSync(fd);
      }
    }
    return seqs;
  }

  /** Rotated files next to this one, newest first. */
  #previous(): string[] {
    const ext = extname(this.#o.path);
    const stem = basename(this.#o.path, ext);
    const dir = dirname(this.#o.path);
    const pattern = new RegExp(
      `^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d{4}-\\d{2}-\\d{2}(\\.\\d+)?${ext.replace(".", "\\.")}$`,
    );
    return readdirSync(dir)
      .filter((name) => pattern.test(name))
      .map((name) => join(dir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  }

  /** Appends one row (without its newline), rotating first if the rules say so. */
  append(row: string): void {
    const now = this.#o.now();
    const today = day(now);
    const line = `${row}\n`;
    const tooBig =
      this.#o.rotateBytes > 0 &&
      this.#size > HEADER.length + 1 &&
      this.#size + Buffer.byteLength(line) > this.#o.rotateBytes;
    if ((this.#o.rotateDaily && today !== this.#day) || tooBig) this.#rotate(today);
    this.#write(line);
  }

  #rotate(today: string): void {
    closeSync(this.#fd);
    const target = this.#rotatedName(this.#day);
    renameSync(this.#o.path, target);
    this.rotated.push(target);
    this.#fd = openSync(this.#o.path, "a+");
    this.#size = 0;
    this.#day = today;
    this.#write(`${HEADER}\n`);
  }

  get path(): string {
    return this.#o.path;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
