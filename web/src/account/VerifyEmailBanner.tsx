// Shown to a signed-in person whose address is not verified yet (when the server requires
// it): what to do, and a button that mails the link again. It looks again when the window
// comes back into focus (the link was opened in another tab) and after a refusal.

import { useCallback, useEffect, useState } from 'react';
import { Alert } from '../components/Alert';
import { EMAIL_NOT_VERIFIED_EVENT, api, messageOf } from '../lib/api';

interface VerificationState {
  email_verified: boolean;
  required: boolean;
}

interface SendReply {
  email_verified: boolean;
  sent: boolean;
}

export function VerifyEmailBanner({ email }: { email: string }) {
  const [state, setState] = useState<VerificationState | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api
      .get<VerificationState>('/api/me/email-verification')
      .then(setState)
      .catch(() => undefined); // the banner is a hint: the dashboard shows real errors
  }, []);

  useEffect(() => {
    load();
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    window.addEventListener('focus', load);
    window.addEventListener(EMAIL_NOT_VERIFIED_EVENT, load);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('focus', load);
      window.removeEventListener(EMAIL_NOT_VERIFIED_EVENT, load);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  if (!state || !state.required || state.email_verified) return null;

  const sendAgain = async () => {
    setBusy(true);
    setNote(null);
    setError(null);
    try {
      const reply = await api.post<SendReply>('/api/me/email-verification');
      if (reply.email_verified) load();
      else if (reply.sent) setNote(`A new link is on its way to ${email}.`);
      else setNote('A link went out less than a minute ago: look for it (and in spam), or try again in a minute.');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="verify-banner" aria-label="Verify your email address">
      <p>
        <strong>Check your mail to verify {email}.</strong> Open the link we sent you; until then you
        cannot book seats or invite people.
      </p>
      <button type="button" className="button secondary" onClick={sendAgain} disabled={busy}>
        {busy ? 'Sending…' : 'Send again'}
      </button>
      <Alert kind="info">{note}</Alert>
      <Alert>{error}</Alert>
    </section>
  );
}
