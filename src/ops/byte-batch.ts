/**
 * Lines kept as UTF-8 bytes until they are handed to the writer: each line is encoded once, into a
 * preallocated chunk, and the writer gets whole Buffers. (Handed strings, sonic-boom measures each
 * with Buffer.byteLength, fs.write encodes it, and a completed write encodes it once more to find
 * where it stopped: three passes over every byte on the event loop, most of the access log's cost.)
 * A chunk the writer has finished with comes back through `recycle` and is filled again: a fresh
 * chunk for every batch cost the served detail read more than the encoding (docs/benchmark.md).
 */
/** Spare chunks kept at most: a writer stalled for a while leaves garbage, not a growing pool. */
const maxSpareChunks = 4;

export class ByteBatch {
  readonly #chunkBytes: number;
  /** Chunks written out and handed back, ready to be filled again. */
  readonly #spare: Buffer[] = [];
  #sealed: Buffer[] = [];
  #current: Buffer;
  #used = 0;
  #bytes = 0;

  /** `chunkBytes`: the size of each preallocated chunk; a line too long for one gets a Buffer of its own. */
  constructor(chunkBytes: number) {
    this.#chunkBytes = chunkBytes;
    this.#current = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `text` whole; returns its length in bytes. */
  append(text: string): number {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: with that much room, write() never cuts the text.
    const room = text.length * 3;
    if (this.#current.length - this.#used < room) {
      this.#seal();
      if (room > this.#current.length) {
        const own = Buffer.from(text, 'utf8');
        this.#sealed.push(own);
        this.#bytes += own.length;
        return own.length;
      }
    }
    const written = this.#current.write(text, this.#used, 'utf8');
    this.#used += written;
    this.#bytes += written;
    return written;
  }

  /** Everything held, in order, and empties the batch. */
  take(): Buffer[] {
    this.#seal();
    const taken = this.#sealed;
    this.#sealed = [];
    this.#bytes = 0;
    return taken;
  }

  /**
   * Takes back a Buffer that `take` gave out once the writer is done with every byte of it: its
   * chunk is filled again. (A line of its own is left to the garbage collector.)
   */
  recycle(taken: Buffer): void {
    if (taken.byteOffset !== 0 || taken.buffer.byteLength !== this.#chunkBytes || this.#spare.length >= maxSpareChunks) return;
    this.#spare.push(Buffer.from(taken.buffer, 0, this.#chunkBytes));
  }

  /** The filled part of the current chunk joins the sealed ones; a spare or fresh chunk takes its place (the writer keeps the old one). */
  #seal(): void {
    if (this.#used === 0) return;
    this.#sealed.push(this.#current.subarray(0, this.#used));
    this.#current = this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkBytes);
    this.#used = 0;
  }
}
