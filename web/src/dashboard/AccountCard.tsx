// One's own account: where one is signed in (each sign-in can be ended) and a new password
// (which ends every other sign-in, as the API does: POST /api/me/password).

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { api, messageOf } from '../lib/api';
import { when } from '../lib/format';
import type { MySignIns } from '../lib/types';
import { useResource } from '../lib/useResource';
import { useSubmit } from '../lib/useSubmit';

export function AccountCard() {
  const signIns = useResource(() => api.get<MySignIns>('/api/me/sign-ins'));
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (id: number, what: string) => {
    setError(null);
    setNote(null);
    try {
      await api.delete(`/api/me/sign-ins/${id}`);
      setNote(`Signed out ${what}.`);
      signIns.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const password = useSubmit(async (form, element) => {
    setNote(null);
    const next = String(form.get('new_password'));
    if (next !== String(form.get('again'))) throw new Error('The two new passwords differ.');
    const done = await api.post<{ signed_out: number }>('/api/me/password', {
      current_password: String(form.get('current_password')),
      new_password: next,
    });
    element.reset();
    const others = done.signed_out === 1 ? '1 other sign-in was' : `${done.signed_out} other sign-ins were`;
    setNote(`Password changed; ${others} ended.`);
    signIns.reload();
  });

  const items = signIns.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <p role="status" className="hint">{note}</p>
      <Alert>{signIns.error ?? error}</Alert>
      <h3 id="sign-ins-title">Where you are signed in</h3>
      <ul className="sign-ins" aria-labelledby="sign-ins-title">
        {items.map((s) => {
          const what = s.current ? 'this browser' : `${s.user_agent ?? 'an unknown browser'} (since ${when(s.created_at)})`;
          return (
            <li key={s.id}>
              <span>
                {s.user_agent ?? 'Unknown browser or client'}
                {s.current ? <strong> · this browser</strong> : null}
                <span className="hint"> since {when(s.created_at)}</span>
              </span>
              {s.current ? null : (
                <button type="button" className="button secondary" onClick={() => void revoke(s.id, what)} aria-label={`Sign out ${what}`}>
                  Sign out
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <h3 id="password-title">Change your password</h3>
      <form onSubmit={password.onSubmit} aria-labelledby="password-title">
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required />
        <Field label="New password" name="new_password" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters; your other sign-ins end." />
        <Field label="New password again" name="again" type="password" autoComplete="new-password" required />
        <Alert>{password.error}</Alert>
        <button type="submit" className="button" disabled={password.busy}>
          {password.busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
