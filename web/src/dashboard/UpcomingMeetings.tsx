// A facilitator's coming meetings, live: seats from every booking, and who is in each room
// (meetings under way are replayed from their start so the list is right on arrival).

import { useCallback, useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import { useLiveEvents } from '../lib/events';
import type { LiveEvent, Occurrence } from '../lib/types';
import type { Resource } from '../lib/useResource';
import { MeetingAdmin } from './MeetingAdmin';
import { applyPresence, type PresenceBook } from './presence';
import { groupBySession, type MeetingGroup } from './seriesGroups';
import { SeriesCard } from './SeriesCard';
import { useLiveOccurrences } from './useLiveOccurrences';

const OPEN_EARLY_MS = 15 * 60 * 1000;

export function UpcomingMeetings({ listing }: { listing: Resource<{ items: Occurrence[] }> }) {
  const { items } = useLiveOccurrences(listing.data?.items ?? EMPTY);
  const [presence, setPresence] = useState<ReadonlyMap<number, PresenceBook>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();
  const meetingsOf = new Map<number, number>();
  for (const o of items) meetingsOf.set(o.session_id, (meetingsOf.get(o.session_id) ?? 0) + 1);
  const underWay = items.filter((o) => Date.parse(o.starts_at) - OPEN_EARLY_MS <= now).map((o) => o.id);

  const onRoomEvent = useCallback((event: LiveEvent) => {
    const match = /^occurrence:(\d+)$/.exec(event.topic);
    if (!match || !event.kind.startsWith('presence.')) return;
    const id = Number(match[1]);
    setPresence((all) => new Map(all).set(id, applyPresence(all.get(id) ?? new Map(), event)));
  }, []);
  useLiveEvents(underWay, onRoomEvent, { fromStart: true, enabled: underWay.length > 0 });

  const cancelSeries = async (group: MeetingGroup) => {
    if (!window.confirm(`Cancel every meeting of "${group.title}"? People booked on them are told.`)) return;
    setError(null);
    try {
      await api.delete(`/api/sessions/${group.sessionId}`);
      listing.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const meeting = (occurrence: Occurrence, inSeries: boolean) => (
    <MeetingAdmin
      key={occurrence.id}
      occurrence={occurrence}
      presence={presence.get(occurrence.id)}
      series={(meetingsOf.get(occurrence.session_id) ?? 0) > 1}
      inSeriesCard={inSeries}
      onChanged={listing.reload}
    />
  );

  return (
    <section className="card" aria-labelledby="meetings-title">
      <h2 id="meetings-title">Your upcoming meetings</h2>
      <Alert>{listing.error ?? error}</Alert>
      {listing.data && items.length === 0 ? <p>No meetings planned: create a session above.</p> : null}
      {groupBySession(items).map((group) =>
        group.meetings.length > 1 ? (
          <SeriesCard
            key={group.sessionId}
            group={group}
            actions={
              <button type="button" className="button danger" onClick={() => cancelSeries(group)}>
                Cancel series
              </button>
            }
          >
            {group.meetings.map((o) => meeting(o, true))}
          </SeriesCard>
        ) : (
          <ul key={group.sessionId} className="list">
            {group.meetings.map((o) => meeting(o, false))}
          </ul>
        ),
      )}
    </section>
  );
}

const EMPTY: Occurrence[] = [];
