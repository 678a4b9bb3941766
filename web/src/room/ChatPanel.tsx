// Room chat: what was said before you came, then every new message; /define asks the agent,
// whose answer only the asker sees (and is told so).
// Each message sent is kept until the agent has stored it, and sent again after an agent
// crash (../lib/chatOutbox.ts).

import type { useChat } from '@livekit/components-react';
import { useLocalParticipant, useRoomContext } from '@livekit/components-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Alert } from '../components/Alert';
import { outboxFor } from '../lib/chatOutbox';
import { clock } from '../lib/format';
import type { StoredChat } from '../lib/types';
import { mergeChat } from './chatLines';
import { AGENT_IDENTITY } from './wire';
import { TappableText } from '../vocabulary/TappableText';

interface Props {
  chat: ReturnType<typeof useChat>;
  history: StoredChat[];
  /** A word tapped in a message: looked up and kept (web/src/vocabulary/TappableText.tsx). */
  onTapWord?: (word: string, sentence: string) => void;
}

export function ChatPanel({ chat, history, onTapWord }: Props) {
  const { localParticipant } = useLocalParticipant();
  const room = useRoomContext();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const lines = mergeChat(history, chat.chatMessages);

  useEffect(() => {
    outboxFor(room); // listening for acknowledgements before the first message goes
  }, [room]);

  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines.length]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setError(null);
    try {
      const sent = await chat.send(text);
      outboxFor(room).keep(sent.id, text, sent.timestamp);
      setDraft('');
    } catch {
      setError('Your message was not sent. Check the connection and try again.');
    }
  };

  return (
    <div className="chat">
      {/* role="log" on a wrapper: an <li> must sit in a list (axe), and tabIndex lets a keyboard scroll it */}
      <div className="chat-log room-chat" ref={log} role="log" aria-label="Chat messages" aria-live="polite" tabIndex={0}>
      <ol className="chat-lines">
        {lines.length === 0 ? <li className="chat-empty">No messages yet. Say hello, or try /define serendipity.</li> : null}
        {lines.map((line) => (
          <li
            key={line.id}
            className={`chat-line${line.identity === localParticipant.identity ? ' mine' : ''}${line.identity === AGENT_IDENTITY ? ' agent' : ''}`}
          >
            <span className="chat-meta">
              {line.name} · <time dateTime={new Date(line.at).toISOString()}>{clock(line.at)}</time>
            </span>
            <span className="chat-text">{line.identity === AGENT_IDENTITY ? line.text : <TappableText text={line.text} onTap={onTapWord} />}</span>
            {/* the agent answers one person (agents/chat_send.py): a /define question is
                shared chat, its answer is not (docs/livekit-clients.md) */}
            {line.identity === AGENT_IDENTITY ? <span className="chat-private">Only you see this answer.</span> : null}
          </li>
        ))}
      </ol>
      </div>
      <form className="chat-form" onSubmit={submit}>
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <input
          id="chat-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="Message, or /define word"
          autoComplete="off"
          maxLength={4000}
        />
        <button type="submit" className="button" disabled={chat.isSending || !draft.trim()}>
          Send
        </button>
      </form>
      <Alert>{error}</Alert>
    </div>
  );
}
