import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

/** One card of a settings page, named by its heading for assistive technology. */
export function Section({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h2 id={headingId} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="ml-auto">{action}</div>
      </div>
      {children}
    </section>
  );
}

/** A form's save button, and "Saved" once the last save went through. */
export function SaveRow({ label, pending, saved }: { label: string; pending: boolean; saved: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="flex items-center gap-3">
      <button
        type="submit"
        disabled={pending}
        className="rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
      >
        {label}
      </button>
      {saved && (
        <span role="status" className="text-sm text-emerald-800">
          {t('common.saved')}
        </span>
      )}
    </div>
  );
}
