// After taking a seat, a guest can turn the invitation into an account with the invited
// address: their chat, captions, attendance and looked-up words stay theirs
// (POST /api/guest/account). They then sign in to join as themselves.

import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { api } from '../lib/api';
import { useSubmit } from '../lib/useSubmit';

interface Props {
  token: string;
  displayName: string | null;
  onMade: () => void;
}

export function GuestAccountForm({ token, displayName, onMade }: Props) {
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    await api.post('/api/guest/account', {
      token,
      password: String(form.get('password') ?? ''),
      display_name: String(form.get('display_name') ?? '').trim() || undefined,
    });
    onMade();
  });
  return (
    <section className="card auth-card" aria-labelledby="guest-account-title">
      <h2 id="guest-account-title">Keep what you did here</h2>
      <p>
        Make an account with the address this invitation was sent to: your messages, captions and
        looked-up words stay yours, and you can book other sessions.
      </p>
      <form onSubmit={onSubmit}>
        <Field
          id="guest-account-name"
          label="Name on your account"
          name="display_name"
          autoComplete="name"
          maxLength={80}
          defaultValue={displayName ?? ''}
        />
        <Field
          id="guest-account-password"
          label="Choose a password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={256}
          hint="At least 10 characters."
        />
        <Alert>{error}</Alert>
        <button type="submit" className="button" disabled={busy}>
          Make my account
        </button>
      </form>
    </section>
  );
}
