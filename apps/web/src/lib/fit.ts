import { type RefObject, useCallback, useLayoutEffect, useState } from 'react';

/** Runs `measure` now, whenever `element` changes size, and whenever `content` changes. */
function useMeasure(
  element: RefObject<HTMLElement | null>,
  content: string,
  measure: (node: HTMLElement) => void,
) {
  useLayoutEffect(() => {
    const node = element.current;
    if (!node) return;
    measure(node);
    const observer = new ResizeObserver(() => measure(node));
    observer.observe(node);
    return () => observer.disconnect();
  }, [element, content, measure]);
}

/** Whether `element` holds more than it shows (a clamped text), so the screen can say it continues. */
export function useOverflowing(element: RefObject<HTMLElement | null>, content: string): boolean {
  const [overflowing, setOverflowing] = useState(false);
  const measure = useCallback(
    (node: HTMLElement) => setOverflowing(node.scrollHeight > node.clientHeight + 1),
    [],
  );
  useMeasure(element, content, measure);
  return overflowing;
}

/**
 * Hides the children of `container` that would not fit in it entirely, so a list shows as many whole
 * items as the screen has room for and never a cut one.
 */
export function useWholeChildren(container: RefObject<HTMLElement | null>, content: string): void {
  useMeasure(container, content, hideCutChildren);
}

function hideCutChildren(container: HTMLElement): void {
  const children = [...container.children] as HTMLElement[];
  for (const child of children) child.hidden = false;
  const bottom = container.getBoundingClientRect().bottom;
  let full = false;
  for (const child of children) {
    full ||= child.getBoundingClientRect().bottom > bottom + 0.5;
    child.hidden = full;
  }
}
