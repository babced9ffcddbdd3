/** Interns strings to dense indices, so repeated ids cost one number each in the embedded data. */
export class Interner {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** Index of `s`; -1 for null/undefined. */
  id(s: string | null | undefined): number {
    if (s === null || s === undefined) return -1;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
