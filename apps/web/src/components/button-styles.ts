/** The small outlined button of toolbars and lists (export, revoke, move up). */
export const SMALL_BUTTON =
  'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-50';
