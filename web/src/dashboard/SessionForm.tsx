// A facilitator creates a one-time or recurring session.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { api } from '../lib/api';
import { browserTimeZone } from '../lib/format';
import type { Session } from '../lib/types';
import { useSubmit } from '../lib/useSubmit';
import { DEFAULT_LANGUAGE, languageOptions } from './languages';

export const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];
const REPEATS = [
  ['none', 'Does not repeat'],
  ['weekly', 'Every week'],
  ['biweekly', 'Every two weeks'],
  ['monthly', 'Every month'],
] as const;

function tomorrowAt18(): string {
  const day = new Date(Date.now() + 24 * 3600 * 1000);
  day.setHours(18, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T18:00`;
}

export function SessionForm({ onCreated }: { onCreated: (session: Session) => void }) {
  const [note, setNote] = useState<string | null>(null);
  const [repeat, setRepeat] = useState<string>('none');
  const timezone = browserTimeZone();

  const { busy, error, onSubmit } = useSubmit(async (form, element) => {
    setNote(null);
    const body: Record<string, unknown> = {
      title: String(form.get('title')).trim(),
      topic: String(form.get('topic') ?? '').trim(),
      level: String(form.get('level') ?? ''),
      language: String(form.get('language') ?? DEFAULT_LANGUAGE),
      timezone,
      // the browser reads the wall-clock time in its own zone, which is the session's zone
      starts_at: new Date(String(form.get('starts_at'))).toISOString(),
      duration_minutes: Number(form.get('duration_minutes')),
      capacity: Number(form.get('capacity')),
    };
    if (repeat !== 'none') body.recurrence = { frequency: repeat, count: Number(form.get('count')) };
    const session = await api.post<Session>('/api/sessions', body);
    setNote(`Created "${session.title}" with ${session.occurrences?.length ?? 1} meeting(s).`);
    element.reset();
    setRepeat('none');
    onCreated(session);
  });

  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">Create a session</h2>
      <form onSubmit={onSubmit} className="form-grid">
        <Field label="Title" name="title" required maxLength={120} />
        <Field label="Topic" name="topic" maxLength={60} placeholder="e.g. travel" />
        <div className="field">
          <label htmlFor="field-level">Level</label>
          <select id="field-level" name="level" defaultValue="">
            <option value="">Any level</option>
            {LEVELS.map((level) => (
              <option key={level}>{level}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="field-language">Language</label>
          <select id="field-language" name="language" defaultValue={DEFAULT_LANGUAGE}>
            {languageOptions().map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Starts"
          name="starts_at"
          type="datetime-local"
          required
          defaultValue={tomorrowAt18()}
          hint={`Your time zone: ${timezone}`}
        />
        <Field label="Minutes" name="duration_minutes" type="number" min={5} max={480} defaultValue={60} required />
        <Field label="Seats" name="capacity" type="number" min={1} max={500} defaultValue={8} required />
        <div className="field">
          <label htmlFor="field-repeat">Repeats</label>
          <select id="field-repeat" name="repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)}>
            {REPEATS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        {repeat !== 'none' ? (
          <Field label="Number of meetings" name="count" type="number" min={2} max={200} defaultValue={6} required />
        ) : null}
        <div className="form-actions">
          <Alert>{error}</Alert>
          <Alert kind="info">{note}</Alert>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Creating…' : 'Create session'}
          </button>
        </div>
      </form>
    </section>
  );
}
