const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/**
 * "3 minutes ago": how long ago an ISO-8601 time was, in the largest unit that fits once rounded
 * (59.6 seconds is "1 minute ago", not "60 seconds ago"), in the reader's language by default.
 */
export function timeAgo(iso: string, now = Date.now(), locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  let amount = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of STEPS) {
    const rounded = Math.round(amount);
    if (Math.abs(rounded) < size) return format.format(rounded, unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}
