// Which page a path shows. The room is a separate chunk: LiveKit's client is only
// downloaded by someone about to join a call.

import { lazy, Suspense, useEffect } from 'react';
import { useAuth } from './auth/AuthProvider';
import { ForgotPasswordPage } from './account/ForgotPasswordPage';
import { ResetPasswordPage } from './account/ResetPasswordPage';
import { VerifyEmailBanner } from './account/VerifyEmailBanner';
import { VerifyEmailPage } from './account/VerifyEmailPage';
import { Header } from './components/Header';
import { navigate, usePath } from './lib/router';
import { FacilitatorDashboard } from './pages/FacilitatorDashboard';
import { ParticipantDashboard } from './pages/ParticipantDashboard';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { NotebookPage } from './vocabulary/NotebookPage';
import { ReviewPage } from './vocabulary/ReviewPage';

const RoomPage = lazy(() => import('./room/RoomPage'));
const GuestPage = lazy(() => import('./pages/GuestPage'));

const PUBLIC_PATHS = new Set(['/sign-in', '/sign-up', '/forgot-password']);
// The links in account mails (web/src/account): open signed in or not.
const MAILED_LINK_PATHS = new Set(['/verify-email', '/reset-password']);
// A guest's invitation link: open to anyone holding it, signed in or not.
const GUEST_PATH = '/guest';
// The learner's notebook and review (web/src/vocabulary)
const VOCABULARY_PATHS = new Set(['/notebook', '/review']);

export function App() {
  const { user, loading } = useAuth();
  const path = usePath();

  useEffect(() => {
    if (loading || path === GUEST_PATH || MAILED_LINK_PATHS.has(path)) return;
    if (!user && !PUBLIC_PATHS.has(path)) navigate('/sign-in', { replace: true });
    if (user && (PUBLIC_PATHS.has(path) || path === '/')) navigate('/dashboard', { replace: true });
  }, [user, loading, path]);

  if (loading) return <p className="page-status" role="status">Loading…</p>;

  if (path === GUEST_PATH) {
    return (
      <Suspense fallback={<p className="page-status" role="status">Opening your invitation…</p>}>
        <GuestPage />
      </Suspense>
    );
  }

  const room = /^\/room\/(\d+)$/.exec(path);
  if (user && room) {
    return (
      <Suspense fallback={<p className="page-status" role="status">Opening the room…</p>}>
        <RoomPage occurrenceId={Number(room[1])} />
      </Suspense>
    );
  }

  if (MAILED_LINK_PATHS.has(path)) {
    return (
      <>
        <Header />
        <main id="main" className="page" tabIndex={-1}>
          {path === '/verify-email' ? <VerifyEmailPage /> : <ResetPasswordPage />}
        </main>
      </>
    );
  }

  return (
    <>
      <Header />
      <main id="main" className="page" tabIndex={-1}>
        {user ? <VerifyEmailBanner email={user.email} /> : null}
        {!user && path === '/sign-up' ? <SignUpPage /> : null}
        {!user && path === '/forgot-password' ? <ForgotPasswordPage /> : null}
        {!user && path !== '/sign-up' && path !== '/forgot-password' ? <SignInPage /> : null}
        {user && path === '/notebook' ? <NotebookPage /> : null}
        {user && path === '/review' ? <ReviewPage /> : null}
        {user?.role === 'facilitator' && !VOCABULARY_PATHS.has(path) ? <FacilitatorDashboard user={user} /> : null}
        {user?.role === 'participant' && !VOCABULARY_PATHS.has(path) ? <ParticipantDashboard user={user} /> : null}
      </main>
    </>
  );
}
