// Mail settings: reminders before a session can be turned off; the other mails cannot.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import type { MailSettings } from '../lib/types';
import { useResource } from '../lib/useResource';

export function MailSettingsCard() {
  const settings = useResource(() => api.get<MailSettings>('/api/me/mail'));
  // shown at once; put back if the server refuses
  const [chosen, setChosen] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = settings.data;
  const reminders = chosen ?? current?.reminders ?? true;

  const change = async (on: boolean) => {
    const before = reminders;
    setChosen(on);
    setBusy(true);
    setError(null);
    try {
      const saved = await api.put<MailSettings>('/api/me/mail', { reminders: on });
      setChosen(saved.reminders);
    } catch (failure) {
      setChosen(before);
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="mail-title">
      <h2 id="mail-title">Mail</h2>
      <Alert>{settings.error ?? error}</Alert>
      {current ? (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={reminders}
              disabled={busy}
              onChange={(event) => change(event.target.checked)}
            />{' '}
            Remind me by mail {current.reminder_lead_minutes} minutes before a session starts
          </label>
          <p className="hint">Invitations, confirmations and cancellations are always sent.</p>
        </>
      ) : null}
    </section>
  );
}
