/**
 * The feed server's one replay timeline: a clock over the recording's receive times, shared by
 * every connection, so all clients see the same instant as clients of a real exchange do.
 *
 * Clock. Replay offset = receive time - the pass's first receive time. With a speed factor it
 * advances with the wall clock times the factor, and each event is sent when the offset reaches
 * it (timers wake the pump; events already due go out in batches of `BATCH`, then the event loop
 * gets a turn). With `speed: 'max'` the clock jumps from event to event as fast as subscribers
 * read: the pump waits while there is no subscription at all, or while any subscriber of the next
 * event's stream has more than `maxSpeedBufferBytes` unsent, and a socket's send callback wakes it
 * (see `FeedServerSink`). So the server holds at most that bound plus one frame per connection.
 *
 * Faults happen at replay offsets, checked before the event they precede: a stall freezes the
 * clock at its time for its duration (replay time, so a wall duration divided by the speed; with
 * `max`, its duration in wall time), then the replay carries on where it stopped; a drop closes
 * every connection. `pause()` freezes the clock too (a test hook: REST then answers for a fixed
 * instant). At the end of the data the sink closes connections with 1000, or with `loop` a new pass
 * starts from the first record, books and faults rewound (ids and times repeat as recorded).
 */
import type { FeedEventSource } from './capture-reader.js';
import type { FaultInjector } from './fault-injector.js';
import type { FeedEvent } from './feed-event.js';
import type { MarketState } from './market-state.js';

/** Events sent per turn of the event loop at most, so sockets and timers keep running. */
const BATCH = 2048;

/** Where the timeline sends what it replays. */
export interface TimelineSink {
  /** Sends `event` to its stream's subscribers; `garbageCut` >= 0 spoils it (see `FaultInjector.garbageCut`). */
  send(event: FeedEvent, garbageCut: number): void;
  /** `max` speed: true while the replay must wait for readers (no subscription, or a subscriber of `stream` behind). */
  mustWait(stream: string): boolean;
  /** Closes every connection abruptly (the `drop-every` fault). */
  dropAll(): void;
  /** The data ended (no `loop`): close connections with 1000. */
  endOfData(): void;
  /** The recording could not be read further: close connections and report it. */
  failed(error: unknown): void;
}

/** How the timeline is built. */
export interface ReplayTimelineOptions {
  /** Opens a fresh pass over the data. */
  readonly open: () => Promise<FeedEventSource>;
  readonly state: MarketState;
  readonly faults: FaultInjector;
  readonly speed: number | 'max';
  readonly loop: boolean;
  readonly sink: TimelineSink;
}

/** The replay clock and pump. `start()` once; `close()` stops it for good. */
export class ReplayTimeline {
  /** Events handled in this pass, and passes started. */
  events: number;
  passes: number;
  paused: boolean;
  stalled: boolean;
  ended: boolean;
  private readonly options: ReplayTimelineOptions;
  private readonly max: boolean;
  private source: FeedEventSource | null;
  private batch: FeedEvent[];
  private index: number;
  private sourceEnded: boolean;
  /** First receive time of the pass, µs; -1 before it is read. */
  private t0: number;
  /** The clock: `clockOffsetUs` at wall time `clockWallMs`, advancing at `speed` unless frozen. */
  private clockOffsetUs: number;
  private clockWallMs: number;
  private busy: boolean;
  private waiting: boolean;
  private closed: boolean;
  private timer: NodeJS.Timeout | null;
  private immediate: NodeJS.Immediate | null;
  private stallTimer: NodeJS.Timeout | null;

  constructor(options: ReplayTimelineOptions, paused: boolean) {
    this.events = 0;
    this.passes = 0;
    this.paused = paused;
    this.stalled = false;
    this.ended = false;
    this.options = options;
    this.max = options.speed === 'max';
    this.source = null;
    this.batch = [];
    this.index = 0;
    this.sourceEnded = false;
    this.t0 = -1;
    this.clockOffsetUs = 0;
    this.clockWallMs = performance.now();
    this.busy = false;
    this.waiting = false;
    this.closed = false;
    this.timer = null;
    this.immediate = null;
    this.stallTimer = null;
  }

  /** Opens the first pass and reads its first batch, so the clock knows its origin; then runs unless paused. */
  async start(): Promise<void> {
    await this.startPass();
  }

  /** Replay offset now: µs since the pass's first record. */
  get offsetUs(): number {
    if (this.t0 < 0 || this.max || this.paused || this.stalled) return this.clockOffsetUs;
    return this.clockOffsetUs + (performance.now() - this.clockWallMs) * 1000 * (this.options.speed as number);
  }

  /** Replay clock now, µs since the epoch (0 before the first record is read). */
  get timeUs(): number {
    return this.t0 < 0 ? 0 : this.t0 + Math.floor(this.offsetUs);
  }

  /** Freezes the clock (a test hook; connections stay open, pings go on). */
  pause(): void {
    if (this.paused || this.closed) return;
    this.freeze();
    this.paused = true;
    this.cancelWake();
  }

  /** Lets the clock run again from where it stood. */
  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    if (!this.stalled) this.clockWallMs = performance.now();
    this.wake();
  }

  /** `max` speed: a reader drained or subscribed; retry if the pump was waiting. */
  kick(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.wake();
  }

  /** Stops the replay for good and releases the data. */
  close(): void {
    this.closed = true;
    this.cancelWake();
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.source?.close();
    this.source = null;
  }

  private async startPass(): Promise<void> {
    this.busy = true;
    try {
      this.source?.close();
      this.source = await this.options.open();
      if (this.closed) return this.source.close(); // closed while the data was being opened
      this.passes++;
      this.events = 0;
      this.options.state.reset();
      this.options.faults.startPass();
      this.sourceEnded = false;
      const first = await this.source.next();
      if (this.closed) return;
      this.batch = first ?? [];
      this.index = 0;
      this.sourceEnded = first === null;
      this.t0 = first === null ? -1 : first[0]!.tsRecv;
      this.clockOffsetUs = 0;
      this.clockWallMs = performance.now();
    } catch (error) {
      this.fail(error);
      return;
    } finally {
      this.busy = false;
    }
    this.wake();
  }

  private pump(): void {
    this.timer = null;
    this.immediate = null;
    if (this.closed || this.paused || this.stalled || this.ended || this.busy) return;
    const { faults, sink } = this.options;
    for (let budget = BATCH; budget > 0; budget--) {
      if (this.index >= this.batch.length) {
        if (this.sourceEnded) return this.endPass();
        return this.read();
      }
      const event = this.batch[this.index]!;
      const offset = Math.max(0, event.tsRecv - this.t0);
      const now = this.max ? offset : this.offsetUs;
      const stall = faults.nextStall();
      if (stall !== null && stall.atUs <= offset) {
        if (stall.atUs > now) return this.wakeAt(stall.atUs, now);
        return this.stall(stall.atUs, stall.durationUs);
      }
      if (faults.nextDropUs <= offset) {
        if (faults.nextDropUs > now) return this.wakeAt(faults.nextDropUs, now);
        faults.fireDrop();
        sink.dropAll();
      }
      if (this.max) {
        if (sink.mustWait(event.stream)) {
          this.waiting = true;
          return;
        }
        if (offset > this.clockOffsetUs) this.clockOffsetUs = offset;
      } else if (offset > now) {
        return this.wakeAt(offset, now);
      }
      this.index++;
      this.events++;
      this.deliver(event, offset);
    }
    this.wake();
  }

  private deliver(event: FeedEvent, offset: number): void {
    const { state, faults, sink } = this.options;
    state.apply(event);
    if (event.stream === '' || faults.skips(event, offset)) return;
    sink.send(event, faults.garbageCut());
  }

  private read(): void {
    const source = this.source;
    if (source === null) return;
    this.busy = true;
    source.next().then(
      (batch) => {
        this.busy = false;
        if (this.closed) return;
        if (batch === null) this.sourceEnded = true;
        else {
          this.batch = batch;
          this.index = 0;
        }
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        this.fail(error);
      },
    );
  }

  private endPass(): void {
    // A pass with no event would loop forever without sending anything: end instead.
    if (this.options.loop && this.events > 0) {
      void this.startPass();
      return;
    }
    this.ended = true;
    this.source?.close();
    this.options.sink.endOfData();
  }

  private stall(atUs: number, durationUs: number): void {
    this.options.faults.fireStall();
    this.stalled = true;
    this.clockOffsetUs = atUs;
    const wallMs = this.max ? durationUs / 1000 : durationUs / 1000 / (this.options.speed as number);
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      this.stalled = false;
      this.clockWallMs = performance.now();
      this.wake();
    }, wallMs);
  }

  private fail(error: unknown): void {
    if (this.closed || this.ended) return;
    this.ended = true;
    this.options.sink.failed(error);
  }

  private freeze(): void {
    this.clockOffsetUs = this.offsetUs;
  }

  /** Runs the pump on the next turn. */
  private wake(): void {
    if (this.immediate === null && !this.closed) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.immediate = setImmediate(() => this.pump());
    }
  }

  /** Runs the pump when the clock reaches `offsetUs` (it stands at `nowUs`). */
  private wakeAt(offsetUs: number, nowUs: number): void {
    const ms = (offsetUs - nowUs) / 1000 / (this.options.speed as number);
    this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(ms)));
  }

  private cancelWake(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
