// The API's JSON shapes (api/views.py), as the page uses them.

export type Role = 'facilitator' | 'participant';

export interface User {
  id: number;
  email: string;
  display_name: string;
  role: Role;
}

export interface SignInReply {
  token: string;
  csrf_token: string;
  user: User;
}

export interface Occurrence {
  id: number;
  session_id: number;
  title: string;
  level: string;
  topic: string;
  facilitator: { id: number; display_name: string };
  timezone: string;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled';
  capacity: number;
  seats_booked: number;
  seats_left: number;
  waitlisted: number;
  edited_individually: boolean;
}

export type BookingStatus = 'booked' | 'waitlisted' | 'cancelled';

export interface Booking {
  id: number;
  occurrence_id: number;
  status: BookingStatus;
  cancel_reason: string | null;
  waitlist_position: number | null;
  occurrence?: Occurrence;
}

export interface RosterEntry extends Booking {
  user: { id: number; display_name: string };
}

export interface Session {
  id: number;
  title: string;
  description: string;
  level: string;
  topic: string;
  timezone: string;
  starts_at: string;
  duration_minutes: number;
  capacity: number;
  recurrence: { text?: string; frequency?: string } & Record<string, unknown>;
  rrule: string | null;
  status: 'active' | 'cancelled';
  occurrences?: Occurrence[];
}

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface RoomToken {
  token: string;
  url: string;
  room: string;
  identity: string;
  role: string;
  expires_at: string;
}

/** One event from GET /api/events (api/event_hub.py frame). */
export interface LiveEvent {
  id: number;
  topic: string;
  kind: string;
  created_at: string;
  payload: Record<string, unknown>;
}

export interface StoredChat {
  id: number;
  message_id: string;
  sender_identity: string;
  sender_name: string;
  text: string;
  sent_at: string;
}
