// A finished session's recap for this person, from the API (no parsing of chat).

import './vocabulary.css';
import { ApiError } from '../lib/api';
import { useResource } from '../lib/useResource';
import { type Participation, type RecapWord, recapOf } from './api';

function minutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

function Words({ words }: { words: RecapWord[] }) {
  return (
    <ul className="recap-words">
      {words.map((w) => (
        <li key={w.word}>
          <strong lang="en">{w.word}</strong> <span className="level-tag">{w.level}</span> {w.definition}
          {w.sentence ? <span className="review-example"> “{w.sentence}”</span> : null}
        </li>
      ))}
    </ul>
  );
}

function People({ people }: { people: Participation[] }) {
  return (
    <ul>
      {people.map((p) => (
        <li key={p.user_id}>
          {p.name}: talked {minutes(p.talk_seconds)}, {p.messages} messages
          {p.looked_up?.length ? `, looked up ${p.looked_up.join(', ')}` : ''}
        </li>
      ))}
    </ul>
  );
}

export function RecapView({ occurrenceId }: { occurrenceId: number }) {
  const recap = useResource(async () => {
    try {
      return await recapOf(occurrenceId);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return failure.code === 'recap_not_ready' ? 'pending' : null;
      throw failure;
    }
  }, [occurrenceId]);
  const data = recap.data;
  if (recap.loading) return <p role="status">Loading the recap…</p>;
  if (data === 'pending') return <p>The recap comes within two minutes of the session’s end.</p>;
  if (!data || typeof data === 'string') return <p>No recap for this session.</p>;
  if (data.role === 'facilitator') {
    return (
      <div className="recap">
        <h4>Key vocabulary</h4>
        <Words words={data.key_vocabulary ?? []} />
        <h4>Participation</h4>
        <People people={data.learners ?? []} />
      </div>
    );
  }
  const looked = (data.looked_up ?? []) as RecapWord[];
  return (
    <div className="recap">
      <h4>Words you looked up</h4>
      {looked.length ? <Words words={looked} /> : <p>None in this session.</p>}
      <h4>New words above your level ({data.level})</h4>
      {data.new_words?.length ? <Words words={data.new_words} /> : <p>None came up.</p>}
      {data.participation ? (
        <p>
          You talked for {minutes(data.participation.talk_seconds)} and sent {data.participation.messages} messages.
        </p>
      ) : null}
    </div>
  );
}
