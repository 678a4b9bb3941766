// /forgot-password: ask for a link to set a new password. The answer is the same whether or
// not the address has an account (the API's, shown as it comes), so it tells nobody which do.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { api } from '../lib/api';
import { Link } from '../lib/router';
import { useSubmit } from '../lib/useSubmit';
import { useFocusOnChange } from './useFocusOnChange';

export function ForgotPasswordPage() {
  const [answer, setAnswer] = useState<string | null>(null);
  const heading = useFocusOnChange<HTMLHeadingElement>(answer);
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const reply = await api.post<{ message: string }>('/api/auth/password-reset', {
      email: String(form.get('email') ?? '').trim(),
    });
    setAnswer(reply.message);
  });

  return (
    <section className="card auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title" ref={heading} tabIndex={-1}>
        {answer ? 'Look in your mail' : 'Forgot your password?'}
      </h1>
      {answer ? (
        <>
          <p role="status">{answer}</p>
          <p>The link works for an hour. Nothing in your mail? Look in spam, or ask again in a minute.</p>
        </>
      ) : (
        <form onSubmit={onSubmit}>
          <p>Give the address you signed up with; we mail it a link to set a new password.</p>
          <Field label="Email" name="email" type="email" autoComplete="email" required />
          <Alert>{error}</Alert>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a link'}
          </button>
        </form>
      )}
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}
