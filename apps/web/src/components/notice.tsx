/** A failure in plain words, announced to screen readers as it appears; nothing when there is none. */
export function ErrorNotice({ message, className = 'mb-4' }: { message: string | null; className?: string }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      className={`rounded-xl bg-rose-50 p-3 text-sm font-medium text-rose-800 ring-1 ring-rose-200 ${className}`}
    >
      {message}
    </p>
  );
}
