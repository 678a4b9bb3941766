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
  language: string;
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

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked';

/** An invitation (api/invitation_views.py); `occurrence` is the one invited to, or the series' next. */
export interface Invitation {
  id: number;
  session_id: number;
  occurrence_id: number | null;
  series: boolean;
  kind: 'member' | 'guest';
  status: InvitationStatus;
  email?: string;
  display_name: string | null;
  held_seats: { occurrence_id: number; until: string }[];
  guest_seat: boolean;
  occurrence: Occurrence | null;
  created_at: string;
  updated_at: string;
  created?: boolean;
  bookings?: Booking[];
  has_account?: boolean;
}

export interface MailSettings {
  reminders: boolean;
  reminder_lead_minutes: number;
  always_sent: string[];
}
