// Finished meetings of a facilitator's sessions: attendance, chat and transcript.

import { useState } from 'react';
import { api } from '../lib/api';
import type { Occurrence, Page, Session } from '../lib/types';
import { useResource } from '../lib/useResource';
import { Attendance } from './Attendance';
import { OccurrenceSummary } from './OccurrenceSummary';
import { PastSessionDetails } from './PastSessionDetails';

async function pastMeetings(sessions: Session[]): Promise<Occurrence[]> {
  const details = await Promise.all(sessions.map((s) => api.get<Session>(`/api/sessions/${s.id}`)));
  const now = Date.now();
  return details
    .flatMap((s) => s.occurrences ?? [])
    .filter((o) => o.status === 'scheduled' && Date.parse(o.ends_at) <= now)
    .sort((a, b) => b.starts_at.localeCompare(a.starts_at))
    .slice(0, 20);
}

export function PastMeetings({ facilitatorId, identity }: { facilitatorId: number; identity: string }) {
  const past = useResource(async () => {
    const sessions = await api.get<Page<Session>>(`/api/sessions?facilitator_id=${facilitatorId}&limit=100`);
    return pastMeetings(sessions.items);
  }, [facilitatorId]);
  const [open, setOpen] = useState<number | null>(null);

  return (
    <section className="card" aria-labelledby="past-meetings-title">
      <h2 id="past-meetings-title">Past meetings</h2>
      {past.data && past.data.length === 0 ? <p>Attendance, chat and transcripts of finished meetings appear here.</p> : null}
      <ul className="list">
        {past.data?.map((occurrence) => (
          <li key={occurrence.id} className="list-item list-item-column">
            <OccurrenceSummary occurrence={occurrence} />
            <button
              type="button"
              className="button secondary"
              aria-expanded={open === occurrence.id}
              onClick={() => setOpen(open === occurrence.id ? null : occurrence.id)}
            >
              {open === occurrence.id ? 'Hide' : 'Show'} attendance, chat and transcript
            </button>
            {open === occurrence.id ? (
              <>
                <Attendance occurrenceId={occurrence.id} />
                <PastSessionDetails occurrenceId={occurrence.id} identity={identity} />
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
