// Review: one due card at a time, word first; Space shows the answer, 1-4 rate it
// (again, hard, good, easy), S says the word. Fully keyboard-driven; fits a phone.

import './vocabulary.css';
import { useCallback, useEffect, useState } from 'react';
import { Alert } from '../components/Alert';
import { messageOf } from '../lib/api';
import { Link } from '../lib/router';
import { CAN_SPEAK, type Rating, type ReviewCard, answerCard, dueCards, speak } from './api';

const RATINGS: { rating: Rating; label: string; key: string }[] = [
  { rating: 'again', label: 'Again', key: '1' },
  { rating: 'hard', label: 'Hard', key: '2' },
  { rating: 'good', label: 'Good', key: '3' },
  { rating: 'easy', label: 'Easy', key: '4' },
];

export function ReviewPage() {
  const [cards, setCards] = useState<ReviewCard[] | null>(null);
  const [dueCount, setDueCount] = useState(0);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const due = await dueCards();
      setCards(due.cards);
      setDueCount(due.due_count);
      setShown(false);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const card = cards?.[0] ?? null;

  const answer = useCallback(
    async (rating: Rating) => {
      if (!card || !shown || busy) return;
      setBusy(true);
      setError(null);
      try {
        const answered = await answerCard(card.id, rating);
        setDone((n) => n + 1);
        setDueCount(answered.due_count);
        const rest = (cards ?? []).slice(1);
        if (rest.length === 0 && answered.due_count > 0) await load();
        else {
          setCards(rest);
          setShown(false);
        }
      } catch (failure) {
        setError(messageOf(failure));
        await load(); // a card answered elsewhere (409) leaves the queue
      } finally {
        setBusy(false);
      }
    },
    [card, shown, busy, cards, load],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (event.metaKey || event.ctrlKey || event.altKey || !card) return;
      if (!shown && (event.key === ' ' || event.key === 'Enter')) {
        event.preventDefault();
        setShown(true);
      } else if (event.key === 's' || event.key === 'S') {
        speak(card.word);
      } else if (shown) {
        const chosen = RATINGS.find((r) => r.key === event.key);
        if (chosen) {
          event.preventDefault();
          void answer(chosen.rating);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [card, shown, answer]);

  return (
    <section className="review" aria-labelledby="review-title">
      <h1 id="review-title" className="page-title">
        Review
      </h1>
      <p className="hint" role="status" aria-live="polite" data-testid="due-count">
        {cards === null ? 'Loading…' : `${dueCount} due · ${done} reviewed`}
      </p>
      <Alert>{error}</Alert>
      {cards !== null && !card ? (
        <div className="card review-card">
          <h2>All caught up</h2>
          <p>No card is due. Words from your session recaps and the words you star come back here when it is time.</p>
          <Link to="/notebook" className="button secondary">
            Open your notebook
          </Link>
        </div>
      ) : null}
      {card ? (
        <article className="card review-card" aria-label={`Card: ${card.word}`}>
          <p className="review-word" lang="en">
            {card.word}
          </p>
          <p className="review-ipa">
            {card.ipa ? <span>{card.ipa}</span> : null}{' '}
            {CAN_SPEAK ? (
              <button type="button" className="button secondary" onClick={() => speak(card.word)} aria-keyshortcuts="S">
                Say it (S)
              </button>
            ) : null}
          </p>
          {shown ? (
            <div className="review-answer">
              <p className="review-definition">{card.definition || 'No definition kept.'}</p>
              {card.example ? <p className="review-example">“{card.example}”</p> : null}
              <p className="hint">Level {card.level}</p>
              <div className="review-ratings" role="group" aria-label="How well did you know it?">
                {RATINGS.map(({ rating, label, key }) => (
                  <button
                    key={rating}
                    type="button"
                    className={rating === 'again' ? 'button danger' : 'button'}
                    disabled={busy}
                    aria-keyshortcuts={key}
                    onClick={() => void answer(rating)}
                  >
                    {label} ({key})
                  </button>
                ))}
              </div>
            </div>
          ) : (
            <button type="button" className="button" onClick={() => setShown(true)} aria-keyshortcuts="Space">
              Show answer (Space)
            </button>
          )}
        </article>
      ) : null}
    </section>
  );
}
