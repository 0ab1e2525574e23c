/**
 * Indices 0..n-1 handed out from both ends to two threads (shared memory). Head and tail live
 * in one 64-bit word updated by compare-and-swap, so the last item is never claimed twice.
 */
export class WorkQueue {
  readonly cells: BigInt64Array;

  /** A new queue of `n` items, or (in the worker) a view of an existing one. */
  constructor(n: number, shared?: SharedArrayBuffer) {
    this.cells = new BigInt64Array(shared ?? new SharedArrayBuffer(8));
    if (!shared) this.cells[0] = BigInt(n); // head 0 in the high half, tail n in the low half
  }

  get head(): number {
    return Number(Atomics.load(this.cells, 0) >> 32n);
  }

  takeFront(): number {
    return this.take(true);
  }

  takeBack(): number {
    return this.take(false);
  }

  private take(front: boolean): number {
    for (;;) {
      const word = Atomics.load(this.cells, 0);
      const head = Number(word >> 32n);
      const tail = Number(word & 0xffffffffn);
      if (head >= tail) return -1;
      const next = front ? (BigInt(head + 1) << 32n) | BigInt(tail) : (BigInt(head) << 32n) | BigInt(tail - 1);
      if (Atomics.compareExchange(this.cells, 0, word, next) === word) return front ? head : tail - 1;
    }
  }
}
