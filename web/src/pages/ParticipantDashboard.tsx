import { useCallback } from 'react';
import { MyBookings } from '../dashboard/MyBookings';
import { MyInvitations } from '../dashboard/MyInvitations';
import { AccountCard } from '../dashboard/AccountCard';
import { MailSettingsCard } from '../dashboard/MailSettingsCard';
import { OpenSessions } from '../dashboard/OpenSessions';
import { PastSessions } from '../dashboard/PastSessions';
import { api } from '../lib/api';
import { useLiveEvents } from '../lib/events';
import type { Booking, Invitation, LiveEvent, Page, User } from '../lib/types';
import { useResource } from '../lib/useResource';
import { Alert } from '../components/Alert';
import { VocabularyCard } from '../vocabulary/VocabularyCard';

export function ParticipantDashboard({ user }: { user: User }) {
  const mine = useResource(() => api.get<Page<Booking>>('/api/bookings'));
  const invited = useResource(() => api.get<Page<Invitation>>('/api/invitations'));
  const reload = mine.reload;
  const reloadInvitations = invited.reload;
  // booking.promoted, booking.cancelled, occurrence.updated, invitation.*: the lists have changed
  const onUserEvent = useCallback((event: LiveEvent) => {
    if (!event.topic.startsWith('user:')) return;
    if (event.kind.startsWith('invitation.')) reloadInvitations();
    else reload();
  }, [reload, reloadInvitations]);
  const reloadBoth = useCallback(() => {
    reload();
    reloadInvitations();
  }, [reload, reloadInvitations]);
  useLiveEvents([], onUserEvent, { onMissedOwnEvents: reloadBoth });

  const now = Date.now();
  const all = mine.data?.items ?? [];
  const active = all.filter((b) => b.status !== 'cancelled' && b.occurrence);
  const upcoming = active
    .filter((b) => new Date(b.occurrence!.ends_at).getTime() > now)
    .sort((a, b) => a.occurrence!.starts_at.localeCompare(b.occurrence!.starts_at));
  const past = active
    .filter((b) => b.status === 'booked' && new Date(b.occurrence!.ends_at).getTime() <= now)
    .sort((a, b) => b.occurrence!.starts_at.localeCompare(a.occurrence!.starts_at));
  const bookedIds = new Set(active.map((b) => b.occurrence_id));

  return (
    <div className="dashboard">
      <h1 className="page-title">Hello, {user.display_name}</h1>
      <Alert>{mine.error}</Alert>
      <div className="dashboard-grid">
        <VocabularyCard />
        <MyInvitations listing={invited} onBooked={reload} />
        <MyBookings bookings={upcoming} onChanged={reload} />
        <OpenSessions bookedIds={bookedIds} onBooked={reload} />
        <PastSessions bookings={past} identity={`user-${user.id}`} />
        <MailSettingsCard />
        <AccountCard />
      </div>
    </div>
  );
}
