// What a participant can book, with seats left following every booking as it happens;
// filtered by level and topic (among the sessions listed, on the page: no new request).

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import { when } from '../lib/format';
import type { Booking, Occurrence, Page } from '../lib/types';
import { useResource } from '../lib/useResource';
import { OccurrenceSummary } from './OccurrenceSummary';
import { groupBySession, type MeetingGroup } from './seriesGroups';
import { SeriesCard } from './SeriesCard';
import { useLiveOccurrences } from './useLiveOccurrences';

interface Props {
  bookedIds: ReadonlySet<number>;
  onBooked: () => void;
}

export function OpenSessions({ bookedIds, onBooked }: Props) {
  const listing = useResource(() => api.get<Page<Occurrence>>('/api/occurrences?limit=50'));
  const { items } = useLiveOccurrences(listing.data?.items ?? EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const book = async (occurrence: Occurrence, waitlist: boolean) => {
    setBusy(occurrence.id);
    setError(null);
    try {
      await api.post<Booking>(`/api/occurrences/${occurrence.id}/${waitlist ? 'waitlist' : 'bookings'}`);
      onBooked();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  };

  const bookSeries = async (group: MeetingGroup) => {
    setBusy(-group.sessionId);
    setError(null);
    try {
      await api.post<unknown>(`/api/sessions/${group.sessionId}/bookings`);
      onBooked();
      listing.reload();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  };

  const [level, setLevel] = useState('');
  const [topic, setTopic] = useState('');
  const scheduled = items.filter((o) => o.status === 'scheduled');
  const levels = distinct(scheduled.map((o) => o.level));
  const topics = distinct(scheduled.map((o) => o.topic));
  const open = scheduled.filter((o) => (!level || o.level === level) && (!topic || o.topic === topic));
  const item = (occurrence: Occurrence) => {
    const booked = bookedIds.has(occurrence.id);
    const full = occurrence.seats_left <= 0;
    return (
      <li key={occurrence.id} className="list-item" data-occurrence={occurrence.id}>
        <OccurrenceSummary occurrence={occurrence} showSeats />
        <div className="actions">
          {booked ? (
            <span className="badge badge-ok">Booked</span>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy === occurrence.id}
              onClick={() => book(occurrence, full)}
              aria-label={`${full ? 'Join waitlist for' : 'Book'} ${occurrence.title}, ${when(occurrence.starts_at)}`}
            >
              {full ? 'Join waitlist' : 'Book'}
            </button>
          )}
        </div>
      </li>
    );
  };
  return (
    <section className="card" aria-labelledby="open-title">
      <h2 id="open-title">Open to book</h2>
      <Alert>{listing.error ?? error}</Alert>
      {listing.loading && !listing.data ? <p role="status">Loading sessions…</p> : null}
      {levels.length > 1 || topics.length > 1 || level || topic ? (
        <div className="filters" role="group" aria-label="Filter sessions">
          <div className="field">
            <label htmlFor="open-level">Level</label>
            <select id="open-level" value={level} onChange={(e) => setLevel(e.target.value)}>
              <option value="">All levels</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="open-topic">Topic</label>
            <select id="open-topic" value={topic} onChange={(e) => setTopic(e.target.value)}>
              <option value="">All topics</option>
              {topics.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <p className="hint" role="status">
            {open.length === scheduled.length ? `${open.length} meetings` : `${open.length} of ${scheduled.length} meetings`}
          </p>
        </div>
      ) : null}
      {listing.data && scheduled.length === 0 ? <p>No sessions are open to book right now.</p> : null}
      {listing.data && scheduled.length > 0 && open.length === 0 ? <p>No sessions match these filters.</p> : null}
      {groupBySession(open).map((group) => {
        if (group.meetings.length < 2) {
          return (
            <ul key={group.sessionId} className="list">
              {group.meetings.map(item)}
            </ul>
          );
        }
        const unbooked = group.meetings.filter((o) => !bookedIds.has(o.id)).length;
        return (
          <SeriesCard
            key={group.sessionId}
            group={group}
            actions={
              unbooked > 0 ? (
                <button
                  type="button"
                  className="button"
                  disabled={busy === -group.sessionId}
                  onClick={() => bookSeries(group)}
                  aria-label={`Book the whole series: ${group.title}`}
                >
                  Book the whole series
                </button>
              ) : (
                <span className="badge badge-ok">All booked</span>
              )
            }
          >
            {group.meetings.map(item)}
          </SeriesCard>
        );
      })}
    </section>
  );
}

const EMPTY: Occurrence[] = [];

/** The values present, once each, sorted; the empty one (no level, no topic) left out. */
function distinct(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))].sort((a, b) => a.localeCompare(b));
}
