// The learner's vocabulary notebook: every word they looked up or tapped, with the sentence
// it came from; search, sort, star, note, remove; their level and recap mails; exports.

import './vocabulary.css';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert } from '../components/Alert';
import { messageOf } from '../lib/api';
import { Link } from '../lib/router';
import { useResource } from '../lib/useResource';
import {
  type LearnerSettings,
  type NotebookWord,
  PAGE_SIZE,
  type Sort,
  changeSettings,
  changeWord,
  learnerSettings,
  notebookPage,
  removeWord,
  CAN_SPEAK,
  speak,
} from './api';

const LEVELS = ['', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

function Settings() {
  const settings = useResource(learnerSettings);
  const [saved, setSaved] = useState<LearnerSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = saved ?? settings.data;
  const change = async (update: Partial<LearnerSettings>) => {
    setError(null);
    try {
      setSaved(await changeSettings(update));
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  if (!current) return <Alert>{settings.error}</Alert>;
  return (
    <div className="notebook-settings">
      <Alert>{error}</Alert>
      <label>
        My level{' '}
        <select value={current.level} onChange={(e) => void change({ level: e.target.value as LearnerSettings['level'] })}>
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level || 'each session’s level'}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={current.recap_emails} onChange={(e) => void change({ recap_emails: e.target.checked })} /> Mail me a recap
        after each session
      </label>
    </div>
  );
}

function WordRow({ word, onChanged, onRemoved }: { word: NotebookWord; onChanged: (w: NotebookWord) => void; onRemoved: () => void }) {
  const [note, setNote] = useState(word.note);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const saveNote = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => onChanged(await changeWord(word.id, { note })));
  };
  return (
    <li className="notebook-word">
      <div className="notebook-head">
        <button
          type="button"
          className="star"
          aria-pressed={word.starred}
          aria-label={word.starred ? `Unstar ${word.word}` : `Star ${word.word}`}
          onClick={() => void run(async () => onChanged(await changeWord(word.id, { starred: !word.starred })))}
        >
          {word.starred ? '★' : '☆'}
        </button>
        <strong lang="en">{word.word}</strong>
        {word.ipa ? <span className="hint">{word.ipa}</span> : null}
        <span className="level-tag">{word.level}</span>
        {CAN_SPEAK ? (
          <button type="button" className="button secondary" onClick={() => speak(word.word)} aria-label={`Say ${word.word}`}>
            ▶
          </button>
        ) : null}
        <button type="button" className="button secondary" onClick={() => void run(async () => { await removeWord(word.id); onRemoved(); })}>
          Remove
        </button>
      </div>
      <p>{word.definition}</p>
      {word.example ? <p className="review-example">“{word.example}”</p> : null}
      <form className="note-form" onSubmit={saveNote}>
        <label className="visually-hidden" htmlFor={`note-${word.id}`}>
          Note on {word.word}
        </label>
        <input id={`note-${word.id}`} value={note} maxLength={1000} placeholder="Add a note" onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="button secondary" disabled={note === word.note}>
          Save note
        </button>
      </form>
      <Alert>{error}</Alert>
    </li>
  );
}

export function NotebookPage() {
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  const [sort, setSort] = useState<Sort>('date');
  const [starred, setStarred] = useState(false);
  const [offset, setOffset] = useState(0);
  const page = useResource(() => notebookPage(search, sort, starred, offset), [search, sort, starred, offset]);
  const [words, setWords] = useState<NotebookWord[]>([]);
  useEffect(() => setWords(page.data?.words ?? []), [page.data]);
  const total = page.data?.total ?? 0;

  const find = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setSearch(typed);
  };

  return (
    <section className="notebook" aria-labelledby="notebook-title">
      <h1 id="notebook-title" className="page-title">
        My notebook
      </h1>
      <p>
        <Link to="/review" className="button">
          Review due words
        </Link>{' '}
        <a className="button secondary" href="/api/me/notebook/export.csv" download>
          Export CSV
        </a>{' '}
        <a className="button secondary" href="/api/me/notebook/export.apkg" download>
          Export Anki deck
        </a>
      </p>
      <Settings />
      <form role="search" className="notebook-tools" onSubmit={find}>
        <label htmlFor="notebook-search" className="visually-hidden">
          Search my words
        </label>
        <input id="notebook-search" type="search" value={typed} placeholder="Search words, meanings, notes" onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" className="button">
          Search
        </button>
        <label>
          Sort{' '}
          <select value={sort} onChange={(e) => { setOffset(0); setSort(e.target.value as Sort); }}>
            <option value="date">newest</option>
            <option value="level">hardest</option>
            <option value="frequency">most common</option>
            <option value="word">A to Z</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={starred} onChange={(e) => { setOffset(0); setStarred(e.target.checked); }} /> Starred only
        </label>
      </form>
      <Alert>{page.error}</Alert>
      <p role="status" className="hint">
        {page.loading ? 'Loading…' : `${total} word${total === 1 ? '' : 's'}`}
      </p>
      {!page.loading && total === 0 ? (
        <p>No words yet. Words you look up in a session (with /define or the dictionary panel) are kept here.</p>
      ) : null}
      <ul className="notebook-list">
        {words.map((word) => (
          <WordRow
            key={word.id}
            word={word}
            onChanged={(changed) => setWords((all) => all.map((w) => (w.id === changed.id ? changed : w)))}
            onRemoved={page.reload}
          />
        ))}
      </ul>
      {total > PAGE_SIZE ? (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="button secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(total, offset + PAGE_SIZE)} of {total}
          </span>
          <button type="button" className="button secondary" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
