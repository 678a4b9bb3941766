// The guest's page, opened from the invitation mail's link /guest#<token>: the token stays
// in the URL's fragment (never sent to a server by the browser) and goes in POST bodies.
// It shows the meeting, asks for a name, takes the seat and joins the room.

import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { Header } from '../components/Header';
import { OccurrenceSummary } from '../dashboard/OccurrenceSummary';
import { GuestAccountForm } from './GuestAccountForm';
import { ApiError, api, messageOf } from '../lib/api';
import { Link } from '../lib/router';
import { markJoinClick } from '../lib/timing';
import type { GuestInvitation as Invitation, RoomToken } from '../lib/types';

const RoomPage = lazy(() => import('../room/RoomPage'));

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; code: string; message: string }
  | { kind: 'invited'; invitation: Invitation }
  | { kind: 'room'; invitation: Invitation };

function tokenFromHash(): string {
  const raw = window.location.hash.replace(/^#/, '');
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}

const BROKEN_TITLE: Record<string, string> = {
  invitation_revoked: 'This invitation was withdrawn',
  invitation_expired: 'This invitation has expired',
  occurrence_cancelled: 'This session was cancelled',
  invitation_unknown: 'This invitation link does not work',
};

export default function GuestPage() {
  const [token, setToken] = useState(tokenFromHash);
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onHash = () => setToken(tokenFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    let current = true;
    if (!token) {
      setStage({
        kind: 'broken',
        code: 'invitation_unknown',
        message: 'This page needs the whole link from your invitation mail: open it from the mail again.',
      });
      return undefined;
    }
    setStage({ kind: 'loading' });
    api
      .post<Invitation>('/api/guest/invitation', { token })
      .then((invitation) => current && setStage({ kind: 'invited', invitation }))
      .catch((failure: unknown) => {
        if (!current) return;
        const code = failure instanceof ApiError ? failure.code : 'failed';
        setStage({ kind: 'broken', code, message: messageOf(failure) });
      });
    return () => {
      current = false;
    };
  }, [token, round]);

  const getToken = useCallback(() => api.post<RoomToken>('/api/guest/token', { token }), [token]);
  const back = useCallback(() => setRound((n) => n + 1), []);

  const join = async (form: FormData, invitation: Invitation) => {
    const name = String(form.get('display_name') ?? '').trim();
    if (!name) {
      setError('Enter the name the others will see.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const seated = await api.post<Invitation>('/api/guest/accept', { token, display_name: name });
      markJoinClick();
      setStage({ kind: 'room', invitation: { ...invitation, ...seated } });
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 410) {
        setStage({ kind: 'broken', code: failure.code, message: failure.message });
      } else {
        setError(messageOf(failure));
      }
    } finally {
      setBusy(false);
    }
  };

  if (stage.kind === 'room' && stage.invitation.occurrence) {
    const occurrence = stage.invitation.occurrence;
    return (
      <Suspense fallback={<p className="page-status" role="status">Opening the room…</p>}>
        <RoomPage occurrenceId={occurrence.id} guest={{ title: occurrence.title, getToken, onBack: back }} />
      </Suspense>
    );
  }

  return (
    <>
      <Header />
      <main id="main" className="page" tabIndex={-1}>
        {stage.kind === 'loading' ? (
          <p className="page-status" role="status">
            Opening your invitation…
          </p>
        ) : null}
        {stage.kind === 'broken' ? (
          <section className="card auth-card" aria-labelledby="guest-title">
            <h1 id="guest-title" className="page-title">
              {BROKEN_TITLE[stage.code] ?? 'This invitation cannot be opened'}
            </h1>
            <Alert>{stage.message}</Alert>
            {stage.code === 'offline' ? (
              <button type="button" className="button" onClick={back}>
                Try again
              </button>
            ) : null}
          </section>
        ) : null}
        {stage.kind === 'invited' || (stage.kind === 'room' && !stage.invitation.occurrence) ? (
          <GuestInvitation invitation={stage.invitation} busy={busy} error={error} onJoin={join} />
        ) : null}
        {stage.kind === 'invited' && stage.invitation.status === 'accepted' && !stage.invitation.has_account ? (
          <GuestAccountForm token={token} displayName={stage.invitation.display_name} onMade={back} />
        ) : null}
      </main>
    </>
  );
}

interface InvitationProps {
  invitation: Invitation;
  busy: boolean;
  error: string | null;
  onJoin: (form: FormData, invitation: Invitation) => void;
}

function GuestInvitation({ invitation, busy, error, onJoin }: InvitationProps) {
  const occurrence = invitation.occurrence;
  if (invitation.has_account) {
    return (
      <section className="card auth-card" aria-labelledby="guest-title">
        <h1 id="guest-title" className="page-title">
          You have an account now
        </h1>
        <p>You made an account with this invitation: sign in to join as yourself.</p>
        <Link to="/sign-in" className="button">
          Sign in
        </Link>
      </section>
    );
  }
  return (
    <section className="card auth-card" aria-labelledby="guest-title">
      <h1 id="guest-title" className="page-title">
        You are invited
      </h1>
      {occurrence ? <OccurrenceSummary occurrence={occurrence} /> : null}
      <p>No account is needed: enter the name the others will see, then join.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onJoin(new FormData(event.currentTarget), invitation);
        }}
      >
        <Field
          label="Your name"
          name="display_name"
          autoComplete="name"
          required
          maxLength={80}
          defaultValue={invitation.display_name ?? ''}
        />
        <Alert>{error}</Alert>
        <button type="submit" className="button" disabled={busy}>
          Join the session
        </button>
      </form>
    </section>
  );
}
