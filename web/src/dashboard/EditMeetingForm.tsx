// Change one meeting (time, length, seats) or the whole series (title, length, seats).

import { type FormEvent, useState } from 'react';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { api, messageOf } from '../lib/api';
import type { Occurrence } from '../lib/types';

function localInput(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

interface Props {
  occurrence: Occurrence;
  onDone: () => void;
}

export function EditMeetingForm({ occurrence, onDone }: Props) {
  const [scope, setScope] = useState<'occurrence' | 'series'>('occurrence');
  const [error, setError] = useState<string | null>(null);
  const minutes = Math.round((Date.parse(occurrence.ends_at) - Date.parse(occurrence.starts_at)) / 60000);
  const prefix = `edit-${occurrence.id}`;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      if (scope === 'occurrence') {
        await api.patch(`/api/occurrences/${occurrence.id}`, {
          starts_at: new Date(String(form.get('starts_at'))).toISOString(),
          duration_minutes: Number(form.get('duration_minutes')),
          capacity: Number(form.get('capacity')),
        });
      } else {
        await api.patch(`/api/sessions/${occurrence.session_id}`, {
          title: String(form.get('title')).trim(),
          duration_minutes: Number(form.get('duration_minutes')),
          capacity: Number(form.get('capacity')),
        });
      }
      onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <form onSubmit={submit} className="form-grid edit-form" aria-label={`Edit ${occurrence.title}`}>
      <fieldset className="choice">
        <legend>Change</legend>
        <label>
          <input type="radio" name="scope" checked={scope === 'occurrence'} onChange={() => setScope('occurrence')} /> this
          meeting only
        </label>
        <label>
          <input type="radio" name="scope" checked={scope === 'series'} onChange={() => setScope('series')} /> the whole
          series
        </label>
      </fieldset>
      {scope === 'occurrence' ? (
        <Field id={`${prefix}-start`} label="Starts" name="starts_at" type="datetime-local" defaultValue={localInput(occurrence.starts_at)} required />
      ) : (
        <Field id={`${prefix}-title`} label="Title" name="title" defaultValue={occurrence.title} required maxLength={120} />
      )}
      <Field id={`${prefix}-minutes`} label="Minutes" name="duration_minutes" type="number" min={5} max={480} defaultValue={minutes} required />
      <Field id={`${prefix}-seats`} label="Seats" name="capacity" type="number" min={1} max={500} defaultValue={occurrence.capacity} required />
      <div className="form-actions">
        <Alert>{error}</Alert>
        <button type="submit" className="button">
          Save
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
