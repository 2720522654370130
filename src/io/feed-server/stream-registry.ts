/**
 * Who receives which stream: per served stream, the connections subscribed to it and the name each
 * used (a USD-M client asking for `btcusdt@depth` reads `btcusdt@depth@0ms` but its envelopes say
 * `btcusdt@depth`). One map lookup per replayed event finds every recipient.
 */

/** What the registry needs of a connection: somewhere to send frames. */
export interface StreamSink {
  /** Sends one frame of `stream` under the name the client subscribed with. */
  deliver(text: string): void;
  /** Whether the client receives combined envelopes (`/stream`) or raw messages (`/ws`). */
  readonly combined: boolean;
  /** Unsent bytes (the `ws` `bufferedAmount`): the server's flow control reads it. */
  readonly bufferedAmount: number;
}

/** One subscription: a connection and the stream name it asked for. */
export interface Subscriber<S extends StreamSink = StreamSink> {
  readonly sink: S;
  readonly name: string;
}

/** Subscriptions of every connection of a server, by served (canonical) stream. */
export class StreamRegistry<S extends StreamSink = StreamSink> {
  private readonly byStream: Map<string, Subscriber<S>[]>;

  constructor() {
    this.byStream = new Map();
  }

  /** Adds `sink` to `stream` under `name` (idempotent). */
  add(sink: S, name: string, stream: string): void {
    const list = this.byStream.get(stream);
    if (list === undefined) this.byStream.set(stream, [{ sink, name }]);
    else if (!list.some((s) => s.sink === sink && s.name === name)) list.push({ sink, name });
  }

  /** Removes `sink`'s subscription to `stream` under `name`, if any. */
  remove(sink: S, name: string, stream: string): void {
    const list = this.byStream.get(stream);
    if (list === undefined) return;
    const i = list.findIndex((s) => s.sink === sink && s.name === name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byStream.delete(stream);
  }

  /** The subscribers of a served stream (do not keep the array: it changes with subscriptions). */
  subscribers(stream: string): readonly Subscriber<S>[] | undefined {
    return this.byStream.get(stream);
  }

  /** Number of subscriptions in all. */
  get size(): number {
    let n = 0;
    for (const list of this.byStream.values()) n += list.length;
    return n;
  }
}
