/**
 * The API pages with opaque cursors; react-admin asks for page numbers. Page N's cursor is page N-1's
 * `nextCursor`, remembered per resource, filter, sort and page size (a new filter starts again at page 1).
 */
export class CursorPages {
  private readonly cursors = new Map<string, (string | null)[]>();

  public cursorFor(listKey: string, page: number): string | null | undefined {
    if (page <= 1) return null;
    return this.cursors.get(listKey)?.[page - 1];
  }

  public remember(listKey: string, page: number, nextCursor: string | null | undefined): void {
    const known = this.cursors.get(listKey) ?? [null];
    known[page] = nextCursor ?? null;
    this.cursors.set(listKey, known);
  }
}
