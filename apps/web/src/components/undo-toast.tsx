import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** How long an action can be taken back. */
export const UNDO_WINDOW_MS = 6000;

interface UndoOffer {
  /** What just happened: "Queue frozen". */
  message: string;
  /** Takes the action back. */
  undo(): void;
  /** For an action held back until the window closes: does it (also when another offer replaces it). */
  commit?(): void;
  /** Does the held action while the page is going away, where an ordinary request would be cut off. */
  commitOnLeave?(): void;
}

interface ShownOffer extends UndoOffer {
  undone: boolean;
}

/**
 * The page's one "Undo" toast: `offer` shows the newest action with a way to take it back for a few
 * seconds. A held-back action is done when its window closes, another offer replaces it, or the page
 * goes away; `undoLatest` takes back the newest action (the `z` key).
 */
export function useUndo() {
  const [shown, setShown] = useState<ShownOffer | null>(null);
  const pending = useRef<ShownOffer | null>(null);
  const settle = useCallback(() => {
    const held = pending.current;
    pending.current = null;
    if (held && !held.undone) held.commit?.();
  }, []);
  const offer = useCallback(
    (next: UndoOffer) => {
      settle();
      const entry = { ...next, undone: false };
      pending.current = entry;
      setShown(entry);
    },
    [settle],
  );
  const undoLatest = useCallback(() => {
    const held = pending.current;
    if (!held || held.undone) return;
    held.undone = true;
    pending.current = null;
    held.undo();
    setShown({ ...held, undone: true });
  }, []);
  const dismiss = useCallback(() => {
    settle();
    setShown(null);
  }, [settle]);
  useEffect(() => settle, [settle]);
  // A tab closed while an action is held still does it: a moderator never loses an answer that way.
  useEffect(() => {
    const sendOnLeave = () => {
      const held = pending.current;
      pending.current = null;
      if (held && !held.undone) (held.commitOnLeave ?? held.commit)?.();
    };
    window.addEventListener('pagehide', sendOnLeave);
    return () => window.removeEventListener('pagehide', sendOnLeave);
  }, []);
  return { shown, offer, undoLatest, dismiss };
}

interface UndoToastProps {
  shown: ShownOffer | null;
  onUndo(): void;
  onDismiss(): void;
}

/** A small toast at the bottom of the screen: what happened, and Undo while it can be taken back. */
export function UndoToast({ shown, onUndo, onDismiss }: UndoToastProps) {
  const { t } = useTranslation();
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(onDismiss, shown.undone ? UNDO_WINDOW_MS / 2 : UNDO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [shown, onDismiss]);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-4 z-30 flex justify-center px-4"
    >
      {shown && (
        <div
          data-testid="undo-toast"
          className="pointer-events-auto flex items-center gap-4 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
        >
          <span>{shown.undone ? t('undo.undone', { action: shown.message }) : shown.message}</span>
          {!shown.undone && (
            <button
              type="button"
              onClick={onUndo}
              className="rounded-md px-2 py-1 font-semibold text-amber-300 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-amber-300"
            >
              {t('undo.undo')} <kbd className="ml-1 text-xs opacity-70">z</kbd>
            </button>
          )}
        </div>
      )}
    </div>
  );
}
