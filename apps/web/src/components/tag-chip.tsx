import type { Tag } from '@pulsestage/contracts';

/** A tag by name, with its colour as a swatch beside the text (the name carries the meaning). */
export function TagChip({ tag, dark = false }: { tag: Tag; dark?: boolean }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${
        dark ? 'text-slate-200 ring-white/20' : 'text-slate-700 ring-slate-200'
      }`}
    >
      <span className="size-2 rounded-full" style={{ backgroundColor: tag.color }} aria-hidden />
      {tag.name}
    </span>
  );
}
