import { type FormEvent, useState } from 'react';
import { messageOf } from './api';

/** A form's submit handler with its busy flag and the error to show. */
export function useSubmit(action: (form: FormData, element: HTMLFormElement) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(element), element);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}
