// One upcoming meeting as its facilitator sees it: seats, who is live, bookings, changes.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import { RoomEntry } from '../components/RoomEntry';
import type { Occurrence } from '../lib/types';
import { EditMeetingForm } from './EditMeetingForm';
import { InvitePanel } from './InvitePanel';
import { OccurrenceSummary } from './OccurrenceSummary';
import type { PresenceBook } from './presence';
import { Roster } from './Roster';

interface Props {
  occurrence: Occurrence;
  presence: PresenceBook | undefined;
  /** More meetings of its session are coming: invitations may cover them all. */
  series: boolean;
  /** Shown inside its series' card, which has the one "Cancel series". */
  inSeriesCard?: boolean;
  onChanged: () => void;
}

export function MeetingAdmin({ occurrence, presence, series, inSeriesCard = false, onChanged }: Props) {
  const [panel, setPanel] = useState<'none' | 'roster' | 'edit' | 'invite'>('none');
  const [error, setError] = useState<string | null>(null);
  const live = [...(presence?.values() ?? [])].filter((s) => s.present && s.identity !== 'colearn-agent');
  const cancelled = occurrence.status === 'cancelled';

  const cancel = async (what: 'occurrence' | 'series') => {
    const question =
      what === 'occurrence' ? 'Cancel this meeting? People booked on it are told.' : 'Cancel every meeting of this series?';
    if (!window.confirm(question)) return;
    setError(null);
    try {
      if (what === 'occurrence') await api.delete(`/api/occurrences/${occurrence.id}`);
      else await api.delete(`/api/sessions/${occurrence.session_id}`);
      onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const toggle = (which: 'roster' | 'edit' | 'invite') => setPanel(panel === which ? 'none' : which);

  return (
    <li className="list-item list-item-column" data-occurrence={occurrence.id}>
      <OccurrenceSummary occurrence={occurrence} showSeats />
      <p className={`live-now${live.length > 0 ? ' has-people' : ''}`} aria-live="polite">
        {live.length > 0 ? `Live now: ${live.map((s) => s.name).join(', ')}` : 'Nobody is in the room.'}
      </p>
      <Alert>{error}</Alert>
      {!cancelled ? (
        <div className="actions">
          <RoomEntry
            occurrenceId={occurrence.id}
            opensAt={occurrence.room_opens_at}
            endsAt={occurrence.ends_at}
            text="Open the room"
            label={`Open the room of ${occurrence.title}`}
          />
          <button type="button" className="button secondary" aria-expanded={panel === 'roster'} onClick={() => toggle('roster')}>
            Bookings ({occurrence.seats_booked})
          </button>
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === 'invite'}
            aria-label={`Invite people to ${occurrence.title}`}
            onClick={() => toggle('invite')}
          >
            Invite
          </button>
          <button type="button" className="button secondary" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
            Edit
          </button>
          <button type="button" className="button danger" onClick={() => cancel('occurrence')}>
            Cancel meeting
          </button>
          {!inSeriesCard ? (
            <button type="button" className="button danger" onClick={() => cancel('series')}>
              Cancel series
            </button>
          ) : null}
        </div>
      ) : null}
      {panel === 'roster' ? <Roster occurrenceId={occurrence.id} version={occurrence.seats_booked + occurrence.waitlisted} /> : null}
      {panel === 'invite' ? <InvitePanel occurrence={occurrence} series={series} changes={live.map((s) => s.identity).join(',')} /> : null}
      {panel === 'edit' ? (
        <EditMeetingForm
          occurrence={occurrence}
          onDone={() => {
            setPanel('none');
            onChanged();
          }}
        />
      ) : null}
    </li>
  );
}
