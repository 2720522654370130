/**
 * How far a replay has read its files: the bytes read from disk of every file opened with the
 * meter (compressed bytes for a `.gz` or a deflated zip entry), against their sizes. What a
 * progress line shows as the share of the input read, and what its time-left estimate divides.
 *
 * Polled, not pushed: a file registers a gauge (the Node read stream's own `bytesRead`) when it is
 * opened, and the meter sums the gauges only when asked, so a replay nobody watches pays nothing
 * per chunk. A file whose reader keeps no gauge (a compressed file inflated in a worker thread,
 * `worker-inflate.ts`) counts 0 until its source has ended, then its whole size.
 */

/** A reader that says how many bytes of its file it has read (`fs.ReadStream`, `InlineInflateStream`). */
export interface BytesReadGauge {
  readonly bytesRead: number;
}

/** One file of a meter: its size, the reader's gauge once opened, and whether its source has ended. */
class MeteredFile {
  readonly totalBytes: number;
  gauge: BytesReadGauge | null;
  ended: () => boolean;

  constructor(totalBytes: number) {
    this.totalBytes = totalBytes;
    this.gauge = null;
    this.ended = never;
  }

  bytesRead(): number {
    if (this.ended()) return this.totalBytes;
    const read = this.gauge === null ? 0 : this.gauge.bytesRead;
    return read < this.totalBytes ? read : this.totalBytes;
  }
}

/** A file's handle on its meter, given by `ReadMeter.add`. */
export interface MeteredFileHandle {
  /** Called with the reader when the file is opened; a reader with no numeric `bytesRead` is ignored. */
  watch(reader: unknown): void;
  /** Tells how to learn that the file's source has ended (then the whole file counts as read). */
  endsWhen(ended: () => boolean): void;
}

/** The bytes read of a set of files against their total size (see the module comment). */
export class ReadMeter {
  private readonly files: MeteredFile[];

  constructor() {
    this.files = [];
  }

  /** Registers a file of `totalBytes` bytes (its size on disk). */
  add(totalBytes: number): MeteredFileHandle {
    const file = new MeteredFile(totalBytes);
    this.files.push(file);
    return {
      watch: (reader) => {
        if (typeof (reader as Partial<BytesReadGauge> | null)?.bytesRead === 'number') file.gauge = reader as BytesReadGauge;
      },
      endsWhen: (ended) => {
        file.ended = ended;
      },
    };
  }

  /** The files' sizes summed. */
  get totalBytes(): number {
    let total = 0;
    for (const f of this.files) total += f.totalBytes;
    return total;
  }

  /** Bytes read so far, all files together (never more than `totalBytes`). */
  get bytesRead(): number {
    let read = 0;
    for (const f of this.files) read += f.bytesRead();
    return read;
  }

  /** `bytesRead / totalBytes` in [0, 1]; `undefined` before any file is registered or when every file is empty. */
  fraction(): number | undefined {
    const total = this.totalBytes;
    return total > 0 ? this.bytesRead / total : undefined;
  }
}

function never(): boolean {
  return false;
}
