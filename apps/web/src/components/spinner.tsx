export function Spinner({ label }: { label: string }) {
  return (
    <div role="status" className="flex items-center justify-center gap-3 p-10 text-slate-500">
      <span
        className="size-5 motion-safe:animate-spin rounded-full border-2 border-current border-t-transparent"
        aria-hidden
      />
      <span>{label}…</span>
    </div>
  );
}
