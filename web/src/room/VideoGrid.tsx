// Everyone's camera and screen share: LiveKit's grid, or a speaker layout (a pinned tile, a
// screen share or the last active speaker large, the others in a strip; the library's
// FocusLayout and CarouselLayout). A screen share turns the speaker layout on by itself; each
// tile has a pin button, and "Speaker view" switches between the two. (The pin is kept here,
// not in the library's LayoutContext: inside one, every tile gets the library's own pin button,
// which has no accessible name.)

import {
  CarouselLayout,
  ConnectionQualityIndicator,
  FocusLayout,
  FocusLayoutContainer,
  isTrackReference,
  ParticipantName,
  ParticipantPlaceholder,
  ParticipantTile,
  FocusToggleIcon,
  UnfocusToggleIcon,
  TrackMutedIndicator,
  useSpeakingParticipants,
  useConnectionQualityIndicator,
  useTrackRefContext,
  useTracks,
  VideoTrack,
  type TrackReferenceOrPlaceholder,
} from '@livekit/components-react';
import { Track } from 'livekit-client';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { PagedGrid } from './PagedGrid';
import { AGENT_IDENTITY } from './wire';
import './VideoGrid.css';

const SOURCES = [
  { source: Track.Source.Camera, withPlaceholder: true },
  { source: Track.Source.ScreenShare, withPlaceholder: false },
];

interface Pin {
  pinned: TrackReferenceOrPlaceholder | undefined;
  setPinned: (ref: TrackReferenceOrPlaceholder | undefined) => void;
}
const PinContext = createContext<Pin>({ pinned: undefined, setPinned: () => undefined });

const same = (a: TrackReferenceOrPlaceholder, b: TrackReferenceOrPlaceholder) =>
  a.participant.identity === b.participant.identity && a.source === b.source;

export function VideoGrid() {
  // the agent publishes no video: a placeholder tile for it would only take space
  const tracks = useTracks(SOURCES, { onlySubscribed: false }).filter(
    (ref) => ref.participant.identity !== AGENT_IDENTITY,
  );
  const [pinnedRef, setPinned] = useState<TrackReferenceOrPlaceholder | undefined>();
  const pinned = pinnedRef ? tracks.find((t) => same(t, pinnedRef)) : undefined;
  const [speakerView, setSpeakerView] = useState(false);
  const share = tracks.find((t) => t.source === Track.Source.ScreenShare);
  const shareKey = share ? `${share.participant.identity}` : null;
  useEffect(() => {
    if (shareKey) setSpeakerView(true);
  }, [shareKey]);
  useEffect(() => {
    // a pinned tile whose participant left: back to the automatic choice
    if (pinnedRef && !pinned) setPinned(undefined);
  }, [pinnedRef, pinned]);
  const speaking = useSpeakingParticipants();
  const lastSpeaker = useRef<string | null>(null);
  const loudest = speaking.find((p) => !p.isLocal && p.identity !== AGENT_IDENTITY);
  if (loudest) lastSpeaker.current = loudest.identity;
  const cameraOf = (identity: string | null) =>
    tracks.find((t) => t.source === Track.Source.Camera && t.participant.identity === identity);
  const focus =
    pinned ??
    (speakerView
      ? (share ?? cameraOf(lastSpeaker.current) ?? tracks.find((t) => !t.participant.isLocal) ?? tracks[0])
      : undefined);

  const toggle = () => {
    if (focus) setPinned(undefined);
    setSpeakerView(!focus);
  };
  return (
    <PinContext.Provider value={{ pinned, setPinned }}>
      <div className="video-area" data-layout={focus ? 'speaker' : 'grid'}>
        <button type="button" className="lk-button layout-toggle" aria-pressed={!!focus} onClick={toggle}>
          Speaker view
        </button>
        {focus ? (
          <FocusLayoutContainer className="video-grid video-focus">
            <CarouselLayout tracks={tracks.filter((t) => !same(t, focus))}>
              <ParticipantTile>
                <TileContent />
              </ParticipantTile>
            </CarouselLayout>
            <FocusLayout trackRef={focus}>
              <TileContent />
            </FocusLayout>
          </FocusLayoutContainer>
        ) : (
          <PagedGrid tracks={tracks}>
            <ParticipantTile>
              <TileContent />
            </ParticipantTile>
          </PagedGrid>
        )}
      </div>
    </PinContext.Provider>
  );
}

/** The library's tile content, with a pin button that says whom it pins. */
function TileContent() {
  const ref = useTrackRefContext();
  const { pinned, setPinned } = useContext(PinContext);
  const name = ref.participant.name || ref.participant.identity;
  const screen = ref.source === Track.Source.ScreenShare;
  const isPinned = !!pinned && same(pinned, ref);
  return (
    <>
      {isTrackReference(ref) ? <VideoTrack trackRef={ref} /> : null}
      <div className="lk-participant-placeholder">
        <ParticipantPlaceholder />
      </div>
      <div className="lk-participant-metadata">
        <div className="lk-participant-metadata-item">
          {screen ? null : (
            <TrackMutedIndicator trackRef={{ participant: ref.participant, source: Track.Source.Microphone }} show="muted" />
          )}
          <ParticipantName>{screen ? "'s screen" : null}</ParticipantName>
        </div>
        {screen ? null : <Quality name={name} />}
      </div>
      <button
        type="button"
        className="lk-button lk-focus-toggle-button"
        aria-label={`${isPinned ? 'Unpin' : 'Pin'} ${name}${screen ? "'s screen" : ''}`}
        aria-pressed={isPinned}
        onClick={() => setPinned(isPinned ? undefined : ref)}
      >
        {isPinned ? <UnfocusToggleIcon aria-hidden="true" /> : <FocusToggleIcon aria-hidden="true" />}
      </button>
    </>
  );
}

/** The library's connection bars, with a name a screen reader can say. */
function Quality({ name }: { name: string }) {
  // excellent, good, poor, lost or unknown (livekit-client's ConnectionQuality)
  const quality = useConnectionQualityIndicator().quality || 'unknown';
  return (
    <ConnectionQualityIndicator
      className="lk-participant-metadata-item"
      role="img"
      aria-label={`${name}'s connection: ${quality}`}
      title={`Connection: ${quality}`}
    />
  );
}
