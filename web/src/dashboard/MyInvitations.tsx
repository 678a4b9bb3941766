// A participant's invitations: accept (a seat, or the waitlist when full) or decline.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import { when } from '../lib/format';
import type { Invitation, InvitationAnswer, Page } from '../lib/types';
import type { Resource } from '../lib/useResource';
import { OccurrenceSummary } from './OccurrenceSummary';

interface Props {
  listing: Resource<Page<Invitation>>;
  onBooked: () => void;
}

const STATUS: Record<Invitation['status'], string> = {
  pending: 'Waiting for your answer',
  accepted: 'Accepted',
  declined: 'Declined',
  revoked: 'Withdrawn by the facilitator',
};

function acceptedText(reply: InvitationAnswer, title: string): string {
  const made = reply.bookings;
  const waiting = made.filter((b) => b.status === 'waitlisted');
  const booked = made.filter((b) => b.status === 'booked');
  if (made.length === 0) return `You had already accepted the invitation to ${title}.`;
  if (waiting.length === 0) {
    return booked.length > 1
      ? `Accepted: you have a seat in all ${booked.length} meetings of ${title}.`
      : `Accepted: you have a seat in ${title}.`;
  }
  if (booked.length === 0 && waiting.length === 1) {
    return `Accepted, but ${title} is full: you are on the waitlist (#${waiting[0]?.waitlist_position ?? 1}). You get the seat if one frees up.`;
  }
  return `Accepted: a seat in ${booked.length} meeting(s) of ${title}; ${waiting.length} full meeting(s) put you on their waitlist.`;
}

export function MyInvitations({ listing, onBooked }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const items = listing.data?.items ?? [];
  // answered here: stays listed while the page is open, so the answer stays in view
  const [answered, setAnswered] = useState<ReadonlySet<number>>(new Set());
  const shown = items.filter((i) => i.status === 'pending' || answered.has(i.id));

  const answer = async (invitation: Invitation, how: 'accept' | 'decline') => {
    const title = invitation.occurrence?.title ?? 'the session';
    setError(null);
    setNote(null);
    setBusy(invitation.id);
    try {
      if (how === 'accept') {
        const reply = await api.post<InvitationAnswer>(`/api/invitations/${invitation.id}/accept`);
        setNote(acceptedText(reply, title));
      } else {
        await api.post<Invitation>(`/api/invitations/${invitation.id}/decline`);
        setNote(`You declined the invitation to ${title}.`);
      }
      setAnswered((ids) => new Set(ids).add(invitation.id));
      listing.reload();
      if (how === 'accept') onBooked();
    } catch (failure) {
      setError(messageOf(failure));
      listing.reload();
    } finally {
      setBusy(null);
    }
  };

  if (!listing.error && shown.length === 0 && !note) return null;
  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Your invitations</h2>
      <Alert>{listing.error}</Alert>
      <Alert>{error}</Alert>
      <Alert kind="info">{note}</Alert>
      {listing.data && shown.length === 0 ? <p>No open invitations.</p> : null}
      <ul className="list">
        {shown.map((invitation) => {
          const occurrence = invitation.occurrence;
          const title = occurrence?.title ?? 'a session';
          const hold = invitation.held_seats[0];
          return (
            <li key={invitation.id} className="list-item" data-invitation={invitation.id}>
              {occurrence ? <OccurrenceSummary occurrence={occurrence} showSeats /> : <p>This series has no meetings left.</p>}
              <p className="meta">
                {invitation.series ? 'Invited to every meeting of the series. ' : ''}
                {hold && invitation.status === 'pending' ? `A seat is held for you until ${when(hold.until)}. ` : ''}
                <span className="badge">{STATUS[invitation.status]}</span>
              </p>
              {invitation.status === 'pending' ? (
                <div className="actions">
                  <button
                    type="button"
                    className="button"
                    disabled={busy !== null}
                    onClick={() => answer(invitation, 'accept')}
                    aria-label={`Accept the invitation to ${title}`}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="button secondary"
                    disabled={busy !== null}
                    onClick={() => answer(invitation, 'decline')}
                    aria-label={`Decline the invitation to ${title}`}
                  >
                    Decline
                  </button>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
