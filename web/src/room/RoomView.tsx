// The call: video grid, side panel (chat, people, dictionary), captions and controls.

import { RoomAudioRenderer, useChat } from '@livekit/components-react';
import { useState } from 'react';
import { Alert } from '../components/Alert';
import { Captions } from './Captions';
import { ChatPanel } from './ChatPanel';
import { ConnectionBanner, ReconnectOverlay } from './ConnectionBanner';
import { DictionaryPanel } from './DictionaryPanel';
import { ParticipantsPanel } from './ParticipantsPanel';
import { RoomDevices } from './PreJoinDevices';
import { RoomControls } from './RoomControls';
import { RoomNotices } from './RoomNotices';
import { SidePanelTabs, type PanelName } from './SidePanelTabs';
import { useJoinTiming } from './useJoinTiming';
import { useRoomHistory } from './useRoomHistory';
import { useUnreadChat } from './useUnreadChat';
import { VideoGrid } from './VideoGrid';
import { keepWord } from '../vocabulary/api';
import { MutedHint } from './MutedHint';

interface Props {
  title: string;
  occurrenceId: number;
  /** A guest has no account: no stored history (it needs a sign-in). */
  signedIn: boolean;
  notice: string | null;
  clearNotice: () => void;
  onDeviceProblem: (message: string) => void;
  /** The facilitator's "End meeting for all" (absent for everyone else). */
  onEndForAll?: () => Promise<void>;
}

export function RoomView({ title, occurrenceId, signedIn, notice, clearNotice, onDeviceProblem, onEndForAll }: Props) {
  const chat = useChat();
  const history = useRoomHistory(occurrenceId, signedIn);
  const [panel, setPanel] = useState<PanelName>('chat');
  // on a phone (under 640 px) the panel starts closed: the video gets the screen
  const [panelOpen, setPanelOpen] = useState(() => window.innerWidth >= 640);
  const [captions, setCaptions] = useState(false);
  const [devices, setDevices] = useState(false);
  useJoinTiming();
  const unreadChat = useUnreadChat(chat.chatMessages, panelOpen && panel === 'chat');
  // a word tapped in chat or captions: kept in the notebook, shown in the dictionary panel
  const [tapped, setTapped] = useState<{ word: string } | null>(null);
  const onTapWord = (word: string, sentence: string) => {
    if (signedIn) keepWord(word, occurrenceId, sentence, 'tap').catch(() => undefined);
    setTapped({ word });
    setPanel('dictionary');
    setPanelOpen(true);
  };

  const showPanel = (name: PanelName) => {
    setPanel(name);
    setPanelOpen(true);
  };

  return (
    <div className="room-layout">
      <header className="room-header">
        <h1 className="room-title">{title}</h1>
        <ConnectionBanner />
      </header>
      {notice ? (
        <div className="room-notice">
          <Alert>{notice}</Alert>
          <button type="button" className="button secondary" onClick={clearNotice}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className={`room-body${panelOpen ? ' with-panel' : ''}`}>
        <section className="room-stage" aria-label="Video">
          <VideoGrid />
          <RoomNotices />
          <MutedHint />
          <Captions hidden={!captions} onTapWord={onTapWord} />
          <ReconnectOverlay />
        </section>
        {panelOpen ? (
          <aside className="room-panel" aria-label="Side panel">
            <SidePanelTabs current={panel} onSelect={setPanel} onClose={() => setPanelOpen(false)} unreadChat={unreadChat} />
            <div className="room-panel-body" id="room-panel-body" role="tabpanel" aria-labelledby={`tab-${panel}`}>
              {panel === 'chat' ? <ChatPanel chat={chat} history={history.chat} onTapWord={onTapWord} /> : null}
              {panel === 'people' ? <ParticipantsPanel joinedAt={history.joinedAt} /> : null}
              {panel === 'dictionary' ? <DictionaryPanel askInChat={(word) => chat.send(`/define ${word}`)} keepFor={signedIn ? occurrenceId : undefined} tapped={tapped} /> : null}
            </div>
          </aside>
        ) : null}
      </div>
      {devices ? <RoomDevices onClose={() => setDevices(false)} /> : null}
      <RoomControls
        onDevices={() => setDevices(!devices)}
        devicesOpen={devices}
        captions={captions}
        onCaptions={setCaptions}
        panel={panelOpen ? panel : null}
        onPanel={(name) => (panelOpen && panel === name ? setPanelOpen(false) : showPanel(name))}
        onDeviceProblem={onDeviceProblem}
        unreadChat={unreadChat}
        onEndForAll={onEndForAll}
      />
      <RoomAudioRenderer />
    </div>
  );
}
