// Inviting people to one meeting (or its whole series): addresses, an optional held seat,
// what came of it in plain words, and the invitations so far with Withdraw.

import { type FormEvent, useState } from 'react';
import { Alert } from '../components/Alert';
import { ApiError, api, messageOf } from '../lib/api';
import { when } from '../lib/format';
import type { Invitation, Occurrence, Page } from '../lib/types';
import { useResource } from '../lib/useResource';

const STATUS: Record<Invitation['status'], string> = {
  pending: 'invited',
  accepted: 'accepted',
  declined: 'declined',
  revoked: 'withdrawn',
};

export function splitEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean))];
}

function inviteError(failure: unknown): string {
  if (failure instanceof ApiError && failure.code === 'too_many_invitations') {
    const seconds = /(\d+) seconds/.exec(failure.message)?.[1];
    const wait = seconds ? ` Try again in about ${Math.ceil(Number(seconds) / 60)} minute(s).` : '';
    return `You have reached the limit of invitations for this hour; nobody was invited.${wait}`;
  }
  if (failure instanceof ApiError && failure.status === 400) {
    return `Nobody was invited: ${failure.message.replace(/^emails\[\d+\] /, '')}`;
  }
  return `Nobody was invited: ${messageOf(failure)}`;
}

function invitedText(items: Invitation[]): string {
  const fresh = items.filter((i) => i.created);
  const again = items.filter((i) => !i.created);
  const names = (list: Invitation[]) =>
    list.map((i) => `${i.email ?? ''}${i.kind === 'guest' ? ' (guest link by mail)' : ''}`).join(', ');
  const parts = [];
  if (fresh.length > 0) parts.push(`Invited ${names(fresh)}.`);
  if (again.length > 0) parts.push(`Already invited: ${names(again)}.`);
  return parts.join(' ');
}

interface Props {
  occurrence: Occurrence;
  /** More meetings of the session are coming. */
  series: boolean;
  /** Changes when the room's people change (a guest who took their seat may be arriving). */
  changes: string;
}

export function InvitePanel({ occurrence, series: recurring, changes }: Props) {
  const listing = useResource(
    () => api.get<Page<Invitation>>(`/api/sessions/${occurrence.session_id}/invitations`),
    // fetched again when seats change or someone arrives: an answer may be behind it
    [occurrence.session_id, occurrence.seats_booked, occurrence.waitlisted, changes],
  );
  const [emails, setEmails] = useState('');
  const [hold, setHold] = useState('');
  const [series, setSeries] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const base = `invite-${occurrence.id}`;

  const invite = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const list = splitEmails(emails);
    setError(null);
    setNote(null);
    if (list.length === 0) {
      setError('Enter at least one email address.');
      return;
    }
    const body: Record<string, unknown> = { emails: list };
    if (hold.trim()) body.hold_minutes = Number(hold);
    const path = series && recurring
      ? `/api/sessions/${occurrence.session_id}/invitations`
      : `/api/occurrences/${occurrence.id}/invitations`;
    setBusy(true);
    try {
      const reply = await api.post<Page<Invitation>>(path, body);
      setNote(invitedText(reply.items));
      setEmails('');
      listing.reload();
    } catch (failure) {
      setError(inviteError(failure));
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (invitation: Invitation) => {
    setError(null);
    setNote(null);
    try {
      await api.delete<Invitation>(`/api/invitations/${invitation.id}`);
      setNote(`Withdrew the invitation of ${invitation.email ?? 'that person'}.`);
    } catch (failure) {
      setError(messageOf(failure));
    }
    listing.reload();
  };

  const mine = (listing.data?.items ?? []).filter((i) => i.series || i.occurrence_id === occurrence.id);

  return (
    <div className="invite-panel">
      <form onSubmit={invite} aria-label={`Invite people to ${occurrence.title}`}>
        <div className="field">
          <label htmlFor={`${base}-emails`}>Email addresses</label>
          <textarea
            id={`${base}-emails`}
            rows={3}
            value={emails}
            onChange={(e) => setEmails(e.target.value)}
            aria-describedby={`${base}-emails-hint`}
          />
          <small id={`${base}-emails-hint`} className="hint">
            Separate them with commas or new lines. People without an account get a guest link.
          </small>
        </div>
        <div className="field">
          <label htmlFor={`${base}-hold`}>Hold a seat for (minutes)</label>
          <input
            id={`${base}-hold`}
            type="number"
            min={5}
            max={10080}
            value={hold}
            onChange={(e) => setHold(e.target.value)}
            aria-describedby={`${base}-hold-hint`}
          />
          <small id={`${base}-hold-hint`} className="hint">
            Optional: keeps a seat free for each person until they answer (5 minutes to 7 days).
          </small>
        </div>
        {recurring ? (
          <label className="check">
            <input type="checkbox" checked={series} onChange={(e) => setSeries(e.target.checked)} />
            Invite to every meeting of the series (members only)
          </label>
        ) : null}
        <Alert>{error}</Alert>
        <Alert kind="info">{note}</Alert>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            Send invitations
          </button>
        </div>
      </form>
      <h4>Invited so far</h4>
      <Alert>{listing.error}</Alert>
      {listing.data && mine.length === 0 ? <p>Nobody yet.</p> : null}
      <ul className="people invite-list" aria-label={`Invitations to ${occurrence.title}`}>
        {mine.map((invitation) => {
          const who = invitation.display_name ? `${invitation.display_name} (${invitation.email ?? ''})` : invitation.email ?? '';
          const hold = invitation.held_seats[0];
          return (
            <li key={invitation.id} data-invitation={invitation.id}>
              <span>
                {who} · {invitation.kind === 'guest' ? 'guest' : 'member'}
                {invitation.series ? ' · whole series' : ''} · {STATUS[invitation.status]}
                {invitation.guest_seat ? ' · has a seat' : ''}
                {hold && invitation.status === 'pending' ? ` · seat held until ${when(hold.until)}` : ''}
              </span>
              {invitation.status === 'pending' || (invitation.kind === 'guest' && invitation.status === 'accepted') ? (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => withdraw(invitation)}
                  aria-label={`Withdraw the invitation of ${invitation.email ?? who}`}
                >
                  Withdraw
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
