import type { LookupResult } from './dictionary';
import { canSpeak, speak } from './dictionary';

const SENSES = 4;

interface Props {
  result: LookupResult;
  onLookUp: (word: string) => void;
}

export function DictionaryEntry({ result, onLookUp }: Props) {
  if (result.kind === 'invalid') return <p role="alert">{result.reason}</p>;
  if (result.kind === 'not_found') {
    return (
      <div role="status">
        <p>
          “{result.query}” is not in the dictionary.
          {result.suggestions.length > 0 ? ' Did you mean:' : ''}
        </p>
        <ul className="suggestions">
          {result.suggestions.map((word) => (
            <li key={word}>
              <button type="button" className="link-button" onClick={() => onLookUp(word)}>
                {word}
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <article className="entry" aria-labelledby="entry-headword">
      <header className="entry-head">
        <h3 id="entry-headword">{result.headword}</h3>
        {result.ipa ? <span className="ipa">/{result.ipa}/</span> : null}
        {canSpeak() ? (
          <button type="button" className="button secondary" onClick={() => speak(result.headword)} aria-label={`Hear ${result.headword}`}>
            ▶ Hear it
          </button>
        ) : null}
      </header>
      <p className="meta">
        {result.parts_of_speech.join(', ')}
        {result.frequency ? ` · ${result.frequency.band}` : ''}
        {result.inflection && result.query.toLowerCase() !== result.headword.toLowerCase()
          ? ` · “${result.query}” is the ${result.inflection}`
          : ''}
      </p>
      <ol className="senses">
        {result.senses.slice(0, SENSES).map((sense, index) => (
          <li key={index}>
            <span className="pos">{sense.pos}</span> {sense.definition}
            {sense.examples[0] ? <q className="example">{sense.examples[0]}</q> : null}
            {sense.synonyms.length > 0 ? <span className="synonyms">Similar: {sense.synonyms.slice(0, 4).join(', ')}</span> : null}
          </li>
        ))}
      </ol>
      {result.related.antonyms.length > 0 ? <p className="meta">Opposite: {result.related.antonyms.join(', ')}</p> : null}
    </article>
  );
}
