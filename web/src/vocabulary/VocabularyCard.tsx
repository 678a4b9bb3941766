// The dashboard's way in: how many review cards are due, the notebook and review links.

import './vocabulary.css';
import { Link } from '../lib/router';
import { useResource } from '../lib/useResource';
import { dueCount } from './api';

export function VocabularyCard() {
  const counts = useResource(dueCount);
  const due = counts.data?.due_count ?? 0;
  return (
    <section className="card" aria-labelledby="vocabulary-title">
      <h2 id="vocabulary-title">Vocabulary</h2>
      <p data-testid="dashboard-due">
        {counts.data ? (due === 0 ? 'No words due for review.' : `${due} word${due === 1 ? '' : 's'} due for review.`) : 'Loading…'}
      </p>
      <p>
        <Link to="/review" className="button">
          Review{due ? ` (${due})` : ''}
        </Link>{' '}
        <Link to="/notebook" className="button secondary">
          My notebook
        </Link>
      </p>
    </section>
  );
}
