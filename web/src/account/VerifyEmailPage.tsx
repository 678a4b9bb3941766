// /verify-email#<token>: the link in the verification mail. The page sends the token to
// the API (POST /api/auth/verify-email) and says what came of it; a link that was used,
// has expired or was replaced gets a way to ask for a new one.

import { useEffect, useState } from 'react';
import { useAuth } from '../auth/AuthProvider';
import { Alert } from '../components/Alert';
import { ApiError, api, messageOf } from '../lib/api';
import { linkToken } from '../lib/linkToken';
import { Link } from '../lib/router';
import type { User } from '../lib/types';
import { useFocusOnChange } from './useFocusOnChange';

type Outcome =
  | { kind: 'checking' }
  | { kind: 'verified'; email: string }
  | { kind: 'not-valid'; message: string }
  | { kind: 'failed'; message: string };

// One request per token, even when React runs the effect twice (development's StrictMode):
// the token works once, so a second request would report the link as used.
const attempts = new Map<string, Promise<{ user: User }>>();

function verify(token: string): Promise<{ user: User }> {
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = api.post<{ user: User }>('/api/auth/verify-email', { token });
    attempts.set(token, attempt);
  }
  return attempt;
}

const MISSING = 'This page needs the whole link from the mail: open it from the mail again.';

export function VerifyEmailPage() {
  const { user } = useAuth();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'checking' });
  const heading = useFocusOnChange<HTMLHeadingElement>(outcome.kind);

  useEffect(() => {
    const token = linkToken();
    if (!token) {
      setOutcome({ kind: 'not-valid', message: MISSING });
      return;
    }
    let current = true;
    verify(token)
      .then((reply) => current && setOutcome({ kind: 'verified', email: reply.user.email }))
      .catch((failure: unknown) => {
        if (!current) return;
        const notValid = failure instanceof ApiError && failure.code === 'link_not_valid';
        setOutcome({ kind: notValid ? 'not-valid' : 'failed', message: messageOf(failure) });
      });
    return () => {
      current = false;
    };
  }, []);

  const title = {
    checking: 'Verifying your email address…',
    verified: 'Your email address is verified',
    'not-valid': 'This link does not work any more',
    failed: 'Your address could not be verified',
  }[outcome.kind];

  return (
    <section className="card auth-card" aria-labelledby="verify-title">
      <h1 id="verify-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {outcome.kind === 'checking' ? <p role="status">One moment…</p> : null}
      {outcome.kind === 'verified' ? (
        <>
          <p role="status">
            Thank you: {outcome.email} is confirmed. You can book seats and invite people now.
          </p>
          <p>
            {user ? <Link to="/dashboard">Go to your dashboard</Link> : <Link to="/sign-in">Sign in</Link>}
          </p>
        </>
      ) : null}
      {outcome.kind === 'not-valid' ? (
        <>
          <p>{outcome.message}</p>
          {outcome.message === MISSING ? null : <p>Each link works once, for 48 hours; a newer link replaces it.</p>}
          <NewLink signedIn={user !== null} />
        </>
      ) : null}
      {outcome.kind === 'failed' ? (
        <>
          <Alert>{outcome.message}</Alert>
          <p>Try the link again in a moment, or ask for a new one.</p>
          <NewLink signedIn={user !== null} />
        </>
      ) : null}
    </section>
  );
}

function NewLink({ signedIn }: { signedIn: boolean }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!signedIn) {
    return (
      <p>
        <Link to="/sign-in">Sign in</Link> and press "Send again" at the top of your dashboard to get a
        new link.
      </p>
    );
  }
  const send = async () => {
    setBusy(true);
    setNote(null);
    setError(null);
    try {
      const reply = await api.post<{ email_verified: boolean; sent: boolean }>('/api/me/email-verification');
      if (reply.email_verified) setNote('Your address is verified already: nothing more to do.');
      else if (reply.sent) setNote('A new link is on its way: open it from the newest mail.');
      else setNote('A link went out less than a minute ago: open the newest mail, or try again in a minute.');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={send} disabled={busy}>
        {busy ? 'Sending…' : 'Send me a new link'}
      </button>
      <Alert kind="info">{note}</Alert>
      <Alert>{error}</Alert>
    </>
  );
}
