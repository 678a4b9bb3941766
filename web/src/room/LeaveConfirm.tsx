// Leaving asks first. The facilitator is also offered to end the meeting for everyone:
// the API closes the room, and every page then says the facilitator ended it.

import { DisconnectButton } from '@livekit/components-react';
import { useState } from 'react';
import './RoomEnd.css';

interface Props {
  onStay: () => void;
  /** Only for the facilitator: end the meeting for all (rejects with a message to show). */
  onEndForAll?: () => Promise<void>;
}

export function LeaveConfirm({ onStay, onEndForAll }: Props) {
  const [ending, setEnding] = useState(false);
  const end = () => {
    if (!onEndForAll) return;
    setEnding(true);
    // on success livekit-server deletes the room and the page shows the end; on failure
    // the room stays and the notice says why
    onEndForAll().catch(() => setEnding(false));
  };
  return (
    <div className={`leave-confirm${onEndForAll ? ' with-end' : ''}`} role="group" aria-label="Leave the call?">
      <span className="leave-question">{onEndForAll ? 'Leave, or end the meeting for everyone?' : 'Leave the call?'}</span>
      <DisconnectButton className="control-button leave-button">Hang up</DisconnectButton>
      {onEndForAll ? (
        <button type="button" className="lk-button control-button leave-button end-for-all" disabled={ending} onClick={end}>
          {ending ? 'Ending…' : 'End meeting for all'}
        </button>
      ) : null}
      <button type="button" className="lk-button control-button" autoFocus onClick={onStay}>
        Stay
      </button>
    </div>
  );
}
