import { type RefObject, useLayoutEffect, useRef } from 'react';

const DURATION_MS = 350;

/**
 * Slides the children of `container` that carry `data-flip-key` from where they were to where they
 * are now whenever `order` changes (votes reorder the list), so the eye can follow a question as it
 * climbs. Skipped for people who ask for reduced motion.
 */
export function useFlip(container: RefObject<HTMLElement | null>, order: string): void {
  const positions = useRef(new Map<string, number>());
  useLayoutEffect(() => {
    const root = container.current;
    if (!root) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const next = new Map<string, number>();
    for (const element of root.querySelectorAll<HTMLElement>('[data-flip-key]')) {
      const key = element.dataset.flipKey ?? '';
      const top = element.getBoundingClientRect().top;
      next.set(key, top);
      const before = positions.current.get(key);
      if (reduce || before === undefined || before === top) continue;
      element.animate([{ transform: `translateY(${before - top}px)` }, { transform: 'translateY(0)' }], {
        duration: DURATION_MS,
        easing: 'cubic-bezier(0.2, 0, 0, 1)',
      });
    }
    positions.current = next;
  }, [order]);
}
