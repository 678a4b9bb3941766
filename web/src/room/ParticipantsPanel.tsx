// Who is in the room now: name, role, since when, microphone and camera.

import { useParticipants } from '@livekit/components-react';
import { clock } from '../lib/format';
import { AGENT_IDENTITY, ATTR_ROLE } from './wire';

export function ParticipantsPanel({ joinedAt }: { joinedAt: ReadonlyMap<string, string> }) {
  const participants = useParticipants();
  const people = participants.filter((p) => p.identity !== AGENT_IDENTITY);
  const agentHere = participants.some((p) => p.identity === AGENT_IDENTITY);
  return (
    <div className="people-panel">
      <h2 className="panel-title">In the room ({people.length})</h2>
      <ul className="people" aria-label="People in the room">
        {people.map((p) => {
          const since = joinedAt.get(p.identity);
          const role = p.attributes[ATTR_ROLE];
          return (
            <li key={p.identity} className="person" data-identity={p.identity}>
              <span className="presence-dot" aria-hidden="true" />
              <span className="person-name">
                {p.name || p.identity}
                {p.isLocal ? ' (you)' : ''}
              </span>
              {role === 'facilitator' || role === 'guest' ? <span className="badge">{role}</span> : null}
              <span className="person-state">
                {p.isMicrophoneEnabled ? 'mic on' : 'muted'} · {p.isCameraEnabled ? 'camera on' : 'camera off'}
                {p.isSpeaking ? ' · speaking' : ''}
                {since ? ` · here since ${clock(since)}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="hint">
        {agentHere ? 'Co~Learn is here: chat is saved and /define works.' : 'Co~Learn (the assistant) has not joined yet.'}
      </p>
    </div>
  );
}
