// Chat that survives the agent: each message this page sends is kept until the agent says it
// is stored (an acknowledgement packet by message id), and sent again, same id, to the agent
// alone when an agent (re)joins and every so often while unacknowledged. The store keeps one
// copy per id, so resending is always safe. Protocol: docs/livekit-clients.md, "Chat
// acknowledgements"; tests/support/chat_client.py speaks it too (tests/test_chat_survives_crash.py).

import { ConnectionState, type RemoteParticipant, type Room, RoomEvent } from 'livekit-client';

export const CHAT_ACK_TOPIC = 'colearn.chat.ack';
const LEGACY_CHAT_TOPIC = 'lk-chat-topic';
const AGENT_IDENTITY = 'colearn-agent'; // colearn/wire.py
const RESEND_AFTER_MS = 3_000; // then twice as long each time, up to RESEND_AT_MOST_MS
const RESEND_AT_MOST_MS = 30_000;
const CHECK_EVERY_MS = 1_000;
const MAX_EARLY_ACKS = 200;
const AFTER_RECONNECT_MS = [500, 2_000, 4_000]; // when what waited is sent again

interface Pending {
  text: string;
  timestamp: number;
  sentAt: number;
  tries: number;
}

export class ChatOutbox {
  private readonly pending = new Map<string, Pending>();
  // acknowledgements can beat chat.send() back: remembered so keep() does not wait for them again
  private readonly acked = new Set<string>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly afterReconnect = new Set<number>();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly room: Room) {
    room.on(RoomEvent.DataReceived, this.onData);
    room.on(RoomEvent.ParticipantConnected, this.onParticipant);
    room.on(RoomEvent.Reconnected, this.onReconnected);
    room.once(RoomEvent.Disconnected, () => this.close());
    this.timer = setInterval(() => void this.resendDue(), CHECK_EVERY_MS);
  }

  /** Keep a message just sent (its id is the text stream's id) until the agent stores it. */
  keep(id: string, text: string, timestamp: number): void {
    if (!this.acked.delete(id)) this.pending.set(id, { text, timestamp, sentAt: Date.now(), tries: 0 });
  }

  /** How many messages this page sent that the agent has not confirmed yet. */
  get waiting(): number {
    return this.pending.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.afterReconnect.forEach((timer) => window.clearTimeout(timer));
    this.room.off(RoomEvent.DataReceived, this.onData);
    this.room.off(RoomEvent.ParticipantConnected, this.onParticipant);
    this.room.off(RoomEvent.Reconnected, this.onReconnected);
    outboxes.delete(this.room);
  }

  private onData = (payload: Uint8Array, participant?: RemoteParticipant, _kind?: unknown, topic?: string) => {
    if (topic !== CHAT_ACK_TOPIC || participant?.identity !== AGENT_IDENTITY) return;
    try {
      const ack = JSON.parse(this.decoder.decode(payload)) as { id?: unknown };
      if (typeof ack.id !== 'string') return;
      if (!this.pending.delete(ack.id)) {
        this.acked.add(ack.id);
        if (this.acked.size > MAX_EARLY_ACKS) this.acked.delete(this.acked.values().next().value as string);
      }
    } catch {
      // not an acknowledgement this page understands: ignore it
    }
  };

  private onParticipant = (participant: RemoteParticipant) => {
    // while rejoining, the agent "joins" again too: onReconnected sends then
    if (participant.identity === AGENT_IDENTITY && this.room.state === ConnectionState.Connected) {
      void this.resend([...this.pending.keys()]);
    }
  };

  // Back after a network drop: what waited goes now, not after its (by then long) backoff; a
  // resumed connection may have delivered it already, and a second copy is harmless. More
  // than once: after a full reconnect livekit-client 2.23 drops data sent before its new data
  // channel is open, without an error, and the page cannot see when it opens (measured: a
  // message typed during a 30 s drop was stored 16 s after the network came back; the sends
  // in the first seconds after reconnecting were lost).
  private onReconnected = () => {
    for (const delay of AFTER_RECONNECT_MS) {
      const timer = window.setTimeout(() => {
        this.afterReconnect.delete(timer);
        for (const pending of this.pending.values()) pending.tries = 0;
        void this.resend([...this.pending.keys()]);
      }, delay);
      this.afterReconnect.add(timer);
    }
  };

  private async resendDue(): Promise<void> {
    if (this.room.state !== ConnectionState.Connected) return; // held, not sent: no try spent
    const now = Date.now();
    const due = [...this.pending].filter(([, p]) => now - p.sentAt >= Math.min(RESEND_AFTER_MS * 2 ** p.tries, RESEND_AT_MOST_MS));
    await this.resend(due.map(([id]) => id));
  }

  private async resend(ids: string[]): Promise<void> {
    if (!this.room.remoteParticipants.has(AGENT_IDENTITY)) return;
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      pending.sentAt = Date.now();
      pending.tries += 1;
      // the legacy chat form, to the agent alone; ignoreLegacy: others showed it the first time
      const packet = { id, timestamp: pending.timestamp, message: pending.text, ignoreLegacy: true };
      try {
        await this.room.localParticipant.publishData(this.encoder.encode(JSON.stringify(packet)), {
          reliable: true,
          topic: LEGACY_CHAT_TOPIC,
          destinationIdentities: [AGENT_IDENTITY],
        });
      } catch {
        return; // not connected just now: the next round tries again
      }
    }
  }
}

const outboxes = new WeakMap<Room, ChatOutbox>();

/** The room's one outbox: it outlives the chat panel being closed and opened again. */
export function outboxFor(room: Room): ChatOutbox {
  let outbox = outboxes.get(room);
  if (!outbox) {
    outbox = new ChatOutbox(room);
    outboxes.set(room, outbox);
  }
  return outbox;
}
