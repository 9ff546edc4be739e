/** A language's texts: the same tree of keys as English (`en.ts`), each leaf one text. */
export interface Messages {
  readonly [key: string]: string | Messages;
}
