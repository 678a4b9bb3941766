// One finished session: its chat, its captions and the words this person looked up.

import { useResource } from '../lib/useResource';
import { chatHistory, transcript, wordsLookedUp } from '../lib/history';
import { clock } from '../lib/format';
import { Alert } from '../components/Alert';

export function PastSessionDetails({ occurrenceId, identity }: { occurrenceId: number; identity: string }) {
  const chat = useResource(() => chatHistory(occurrenceId), [occurrenceId]);
  const captions = useResource(() => transcript(occurrenceId), [occurrenceId]);
  const words = chat.data ? wordsLookedUp(chat.data, identity) : [];

  return (
    <div className="past-details">
      <h4>Words you looked up</h4>
      {chat.data && words.length === 0 ? <p>None in this session.</p> : null}
      {words.length > 0 ? (
        <ul className="word-list">
          {words.map((word) => (
            <li key={word}>{word}</li>
          ))}
        </ul>
      ) : null}

      <h4>Chat</h4>
      <Alert>{chat.error}</Alert>
      {chat.loading ? <p role="status">Loading chat…</p> : null}
      {chat.data && chat.data.length === 0 ? <p>Nobody wrote in the chat.</p> : null}
      <ol className="chat-log">
        {chat.data?.map((message) => (
          <li key={message.id}>
            <span className="chat-meta">
              {message.sender_name} · {clock(message.sent_at)}
            </span>
            <span className="chat-text">{message.text}</span>
          </li>
        ))}
      </ol>

      <h4>Transcript</h4>
      <Alert>{captions.error}</Alert>
      {captions.data === null && !captions.loading ? <p>This server keeps no transcripts.</p> : null}
      {captions.data && captions.data.length === 0 ? <p>Nothing was captioned.</p> : null}
      <ol className="chat-log">
        {captions.data?.map((segment) => (
          <li key={segment.id}>
            <span className="chat-meta">
              {segment.speaker.name} · {clock(segment.started_at)}
            </span>
            <span className="chat-text">{segment.text}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
