// Look a word up without leaving the call; hear it spoken by the browser's voice.

import { type FormEvent, useEffect, useState } from 'react';
import { Alert } from '../components/Alert';
import { messageOf } from '../lib/api';
import { type LookupResult, lookUp } from './dictionary';
import { DictionaryEntry } from './DictionaryEntry';
import { keepWord } from '../vocabulary/api';

interface Props {
  askInChat: (word: string) => Promise<unknown>;
  /** Set for a signed-in person: each word found is kept in their notebook for this session. */
  keepFor?: number;
  /** A word tapped in chat or captions, to show (kept already by whoever tapped it). */
  tapped?: { word: string } | null;
}

export function DictionaryPanel({ askInChat, keepFor, tapped }: Props) {
  const [word, setWord] = useState('');
  const [result, setResult] = useState<LookupResult | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (query: string, keep = true) => {
    const wanted = query.trim();
    if (!wanted) return;
    setWord(wanted);
    setBusy(true);
    setError(null);
    try {
      const found = await lookUp(wanted);
      setUnavailable(found === null);
      setResult(found);
      if (keep && found?.kind === 'entry' && keepFor !== undefined) {
        // the notebook is a side effect: a failure to keep must not hide the definition
        keepWord(wanted, keepFor).catch(() => undefined);
      }
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (tapped) void search(tapped.word, false);
    // only a new tap (a new object) searches again
  }, [tapped]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search(word);
  };

  return (
    <div className="dictionary">
      <form role="search" className="chat-form" onSubmit={submit}>
        <label htmlFor="dictionary-input" className="visually-hidden">
          Word or phrase to look up
        </label>
        <input
          id="dictionary-input"
          type="search"
          value={word}
          onChange={(e) => setWord(e.target.value)}
          placeholder="Look up a word"
          autoComplete="off"
          maxLength={80}
        />
        <button type="submit" className="button" disabled={busy || !word.trim()}>
          Look up
        </button>
      </form>
      <Alert>{error}</Alert>
      {unavailable ? (
        <div role="status">
          <p>This server has no dictionary page yet. Ask Co~Learn in the chat instead; everyone sees the answer.</p>
          <button type="button" className="button secondary" onClick={() => void askInChat(word.trim())}>
            Ask “/define {word.trim()}” in chat
          </button>
        </div>
      ) : null}
      {result ? <DictionaryEntry result={result} onLookUp={(w) => void search(w)} /> : null}
    </div>
  );
}
