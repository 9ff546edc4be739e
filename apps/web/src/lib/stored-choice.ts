/**
 * A choice this browser keeps in localStorage, read with `parse`; storing `null` forgets it. Storage can be
 * refused (a locked-down browser): the choice then lasts as long as the page.
 */
export function storedChoice<T extends string | null>(key: string, parse: (stored: string | null) => T) {
  return {
    read(): T {
      try {
        return parse(localStorage.getItem(key));
      } catch {
        return parse(null);
      }
    },
    store(value: T | null): void {
      try {
        if (value === null) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
      } catch {
        // Kept for this page only.
      }
    },
  };
}
