/** A least-recently-used map bounded by the total "size" of its values (bytes, for raw model outputs). */
export class SizedLru<V> {
  private readonly items = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = this.sizeOf(value);
    if (size > this.budget) return;
    this.items.set(key, { value, size });
    this.total += size;
    for (const [oldest, item] of this.items) {
      if (this.total <= this.budget) break;
      this.items.delete(oldest);
      this.total -= item.size;
    }
  }

  delete(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.total -= item.size;
  }

  /** Drops every entry whose key starts with the prefix (a model that was released or changed). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.items.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  get size(): number {
    return this.items.size;
  }

  get bytes(): number {
    return this.total;
  }

  clear(): void {
    this.items.clear();
    this.total = 0;
  }
}
