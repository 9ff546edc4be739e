import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface ConfirmButtonProps {
  /** The button's label, e.g. "Revoke". */
  label: string;
  /** What confirming does, in one sentence: "Anyone using this link loses access at once." */
  warning: string;
  className: string;
  onConfirm(): void;
  /** Called as it asks, for a warning that needs loading (how much would go with it, say). */
  onAsk?(): void;
}

/**
 * A button for what cannot be taken back: the first click asks, with the consequence spelled out,
 * and only the second does it. Escape or Cancel leaves everything as it was.
 */
export function ConfirmButton({ label, warning, className, onConfirm, onAsk }: ConfirmButtonProps) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className={className}
        onClick={() => {
          setAsking(true);
          onAsk?.();
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset
      className="flex basis-full flex-wrap items-center gap-2 rounded-lg bg-rose-50 p-2 ring-1 ring-rose-200"
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
        event.stopPropagation();
      }}
    >
      <legend className="sr-only">{label}?</legend>
      <span className="min-w-0 flex-1 text-sm text-rose-900">{warning}</span>
      <button
        ref={confirm}
        type="button"
        className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-800"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {label}
      </button>
      <button
        type="button"
        className="rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-white"
        onClick={() => setAsking(false)}
      >
        {t('common.cancel')}
      </button>
    </fieldset>
  );
}
