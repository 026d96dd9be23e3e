/**
 * Lines kept as UTF-8 bytes until they are handed to the writer: each line is encoded once, into a
 * preallocated chunk, and the writer gets whole Buffers. (Handed strings, sonic-boom measures each
 * with Buffer.byteLength, fs.write encodes it, and a completed write encodes it once more to find
 * where it stopped: three passes over every byte on the event loop, most of the access log's cost.)
 */
export class ByteBatch {
  readonly #chunkBytes: number;
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

  /** The filled part of the current chunk joins the sealed ones; a fresh chunk takes its place (the writer keeps the old one). */
  #seal(): void {
    if (this.#used === 0) return;
    this.#sealed.push(this.#current.subarray(0, this.#used));
    this.#current = Buffer.allocUnsafe(this.#chunkBytes);
    this.#used = 0;
  }
}
