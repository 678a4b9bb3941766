import { type RefObject, useEffect, useRef } from 'react';

/** Moves keyboard and screen-reader focus to ``ref`` whenever ``key`` changes (a page's
 * outcome replacing its form), so the news is read out and the next Tab starts there. */
export function useFocusOnChange<T extends HTMLElement>(key: unknown): RefObject<T | null> {
  const ref = useRef<T>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [key]);
  return ref;
}
