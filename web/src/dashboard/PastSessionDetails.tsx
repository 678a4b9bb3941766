// One finished session: this person's recap (words looked up, new words, participation),
// its chat and its captions.

import { useResource } from '../lib/useResource';
import { chatHistory, transcript } from '../lib/history';
import { RecapView } from '../vocabulary/RecapView';
import { clock } from '../lib/format';
import { Alert } from '../components/Alert';

export function PastSessionDetails({ occurrenceId }: { occurrenceId: number; identity?: string }) {
  const chat = useResource(() => chatHistory(occurrenceId), [occurrenceId]);
  const captions = useResource(() => transcript(occurrenceId), [occurrenceId]);

  return (
    <div className="past-details">
      <RecapView occurrenceId={occurrenceId} />

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
