// After a resumed connection, those who left while it was down leave the page too.
//
// When the network drops for a few seconds, livekit-client resumes the call rather than
// joining again. Whoever left meanwhile had their departure sent on the socket that died,
// and livekit-client 2.23 keeps them in the room forever (a tile and a name in People that
// nobody is behind). livekit-server answers a resume with the whole roster right after its
// ReconnectResponse (livekit/pkg/rtc/room.go ResumeParticipant), so anyone the page still
// holds who is not in that roster has left. This is the reconciliation livekit's own SDKs
// are getting (client-sdk-js pull request 2096, rust-sdks reconcile_absent_participants);
// until livekit-client has it, the page does it: the roster arrives as the engine's
// participant updates, and the departure goes through the room's own path, so every
// ParticipantDisconnected listener (people, tiles, notices) hears of it.
// tests/test_web_network_drop.py drops a real network for 10 s while someone leaves.

import { EngineEvent, type RemoteParticipant, type Room, RoomEvent } from 'livekit-client';

const DISCONNECTED = 3; // livekit_models.proto ParticipantInfo.State

interface Roster {
  identity: string;
  state: number;
}

type Departure = (identity: string, participant?: RemoteParticipant) => void;

/** Watches `room` for resumes; returns what stops watching. */
export function reconcileAfterResume(room: Room): () => void {
  let listed: Set<string> | null = null; // identities the server listed since the resume began
  const resuming = () => {
    listed = new Set();
  };
  const rejoining = () => {
    listed = null; // a full reconnect rebuilds the whole roster itself
  };
  const roster = (infos: Roster[]) => {
    for (const info of infos) if (info.state !== DISCONNECTED) listed?.add(info.identity);
  };
  const resumed = () => {
    const seen = listed;
    listed = null;
    if (!seen || seen.size === 0) return; // no roster came: nothing to compare with
    const depart = (room as unknown as { handleParticipantDisconnected?: Departure }).handleParticipantDisconnected;
    if (typeof depart !== 'function') return;
    for (const [identity, participant] of [...room.remoteParticipants]) {
      if (!seen.has(identity)) depart.call(room, identity, participant);
    }
  };
  const engine = room.engine;
  room.on(RoomEvent.SignalReconnecting, resuming).on(RoomEvent.Reconnecting, rejoining).on(RoomEvent.Reconnected, resumed);
  engine?.on(EngineEvent.ParticipantUpdate, roster);
  return () => {
    room.off(RoomEvent.SignalReconnecting, resuming).off(RoomEvent.Reconnecting, rejoining).off(RoomEvent.Reconnected, resumed);
    engine?.off(EngineEvent.ParticipantUpdate, roster);
  };
}
