// The API's JSON shapes as the page uses them: every one is the OpenAPI document's schema
// (served at /api/openapi.json, generated from the server's models in api/models). `make web` writes api.gen.ts from that
// document before it builds, so a shape the server changes fails the page's type check
// instead of drifting.

import type { components, paths } from './api.gen';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = User['role'];
export type SignInReply = Schemas['SignedIn'];
export type Occurrence = Schemas['Occurrence'];
export type Booking = Schemas['Booking'] & { occurrence?: Occurrence };
export type BookingStatus = Booking['status'];
export type RosterEntry = Schemas['Roster']['items'][number];
export type Session = Schemas['Session'];
export type RoomToken = Schemas['RoomToken'];
/** One event from GET /api/events (api/event_hub.py frame). */
export type LiveEvent = Schemas['Event'];
export type StoredChat = Schemas['MessagePage']['messages'][number];
/** An invitation (api/invitation_views.py); `occurrence` is the one invited to, or the series' next. */
export type Invitation = Schemas['Invitation'];
/** An invitation's answer to accept: the bookings it made. */
export type InvitationAnswer = Schemas['InvitationAnswer'];
/** The invitation a guest link opens, and whether its address has an account. */
export type GuestInvitation = Schemas['GuestInvitation'];
export type InvitationStatus = Invitation['status'];
export type MailSettings = Schemas['MailSettings'];
/** GET /api/dictionary/{word}: an entry or suggestions (the room's dictionary panel). */
export type DictionaryResult = Schemas['DictionaryResult'];
/** GET /api/me/sign-ins: one's sign-ins that still work, `current` marking this one. */
export type MySignIns = paths['/api/me/sign-ins']['get']['responses'][200]['content']['application/json'];

/** A page of a list the API pages through (SessionPage, OccurrencePage, ...). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}
