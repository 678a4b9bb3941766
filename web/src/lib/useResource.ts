import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads `fetcher()` now and whenever `reload` is called or `deps` change. */
export function useResource<T>(fetcher: () => Promise<T>, deps: readonly unknown[] = []): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    setLoading(true);
    fetcher()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((failure: unknown) => current && setError(messageOf(failure)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [round, ...deps]);

  return { data, error, loading, reload };
}
