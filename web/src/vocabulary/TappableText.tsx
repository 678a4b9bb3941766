// Text whose words can be tapped (chat, captions): a tapped word is looked up and kept in the
// notebook with the sentence it is in. Words are not tab stops (a message would be dozens);
// keyboard users have the dictionary panel.

import './vocabulary.css';
import type { MouseEvent } from 'react';

const WORD = /([A-Za-z]+(?:['’-][A-Za-z]+)*)/;
const SENTENCE_END = /(?<=[.!?])\s+|\n+/;

export function sentenceWith(text: string, word: string): string {
  const lower = word.toLowerCase();
  const found = text.split(SENTENCE_END).find((s) => s.split(/[^A-Za-z'’-]+/).some((w) => w.toLowerCase() === lower));
  return (found ?? text).trim().slice(0, 300);
}

export function TappableText({ text, onTap }: { text: string; onTap?: (word: string, sentence: string) => void }) {
  if (!onTap) return <>{text}</>;
  const tapped = (event: MouseEvent<HTMLSpanElement>) => {
    const word = (event.target as HTMLElement).dataset?.word;
    if (word) onTap(word, sentenceWith(text, word));
  };
  return (
    <span className="tappable" onClick={tapped} title="Tap a word to look it up and keep it">
      {text.split(WORD).map((part, n) =>
        n % 2 === 1 ? (
          <span key={n} className="tap-word" data-word={part}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </span>
  );
}
