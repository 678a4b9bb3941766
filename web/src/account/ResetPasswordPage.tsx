// /reset-password#<token>: the link in the "Set a new password" mail. A new password (the
// usual rules), sent with the token; every sign-in of the account ends, this browser's too.

import { useState } from 'react';
import { useAuth } from '../auth/AuthProvider';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { ApiError, api } from '../lib/api';
import { linkToken } from '../lib/linkToken';
import { Link } from '../lib/router';
import { useSubmit } from '../lib/useSubmit';
import { useFocusOnChange } from './useFocusOnChange';

type Outcome = 'form' | 'done' | 'not-valid';

export function ResetPasswordPage() {
  const { user, signOut } = useAuth();
  const [token] = useState(linkToken);
  const [outcome, setOutcome] = useState<Outcome>(token ? 'form' : 'not-valid');
  const heading = useFocusOnChange<HTMLHeadingElement>(outcome);
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('again') ?? '')) {
      throw new Error('The two passwords differ: type the same new password twice.');
    }
    try {
      await api.post('/api/auth/password-reset/confirm', { token, password });
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'link_not_valid') {
        setOutcome('not-valid');
        return;
      }
      throw failure;
    }
    if (user) await signOut().catch(() => undefined); // this browser's sign-in ended too
    setOutcome('done');
  });

  const title = {
    form: 'Set a new password',
    done: 'Your new password is set',
    'not-valid': 'This link does not work any more',
  }[outcome];

  return (
    <section className="card auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {outcome === 'form' ? (
        <form onSubmit={onSubmit}>
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            hint="At least 10 characters; a short sentence is easy to remember."
          />
          <Field label="New password again" name="again" type="password" autoComplete="new-password" required />
          <Alert>{error}</Alert>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Set password'}
          </button>
        </form>
      ) : null}
      {outcome === 'done' ? (
        <>
          <p role="status">Every sign-in of your account has ended, on every device.</p>
          <p>
            <Link to="/sign-in">Sign in with your new password</Link>
          </p>
        </>
      ) : null}
      {outcome === 'not-valid' ? (
        <>
          <p>
            {token
              ? 'It was used already, has expired (a link works for an hour) or a newer one replaced it.'
              : 'This page needs the whole link from the mail: open it from the mail again.'}{' '}
            Your password has not changed.
          </p>
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}
