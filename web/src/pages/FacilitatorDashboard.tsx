import { AccountCard } from '../dashboard/AccountCard';
import { PastMeetings } from '../dashboard/PastMeetings';
import { SessionForm } from '../dashboard/SessionForm';
import { UpcomingMeetings } from '../dashboard/UpcomingMeetings';
import { api } from '../lib/api';
import type { Occurrence, Page, User } from '../lib/types';
import { useResource } from '../lib/useResource';

export function FacilitatorDashboard({ user }: { user: User }) {
  const upcoming = useResource(() => api.get<Page<Occurrence>>(`/api/occurrences?facilitator_id=${user.id}&limit=100`), [user.id]);
  return (
    <div className="dashboard">
      <h1 className="page-title">Hello, {user.display_name}</h1>
      <div className="dashboard-grid">
        <SessionForm onCreated={upcoming.reload} />
        <UpcomingMeetings listing={upcoming} />
        <PastMeetings facilitatorId={user.id} identity={`user-${user.id}`} />
        <AccountCard />
      </div>
    </div>
  );
}
