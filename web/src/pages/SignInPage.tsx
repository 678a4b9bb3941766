import { useAuth } from '../auth/AuthProvider';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { Link, navigate } from '../lib/router';
import { useSubmit } from '../lib/useSubmit';

export function SignInPage() {
  const { signIn } = useAuth();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    await signIn(String(form.get('email')), String(form.get('password')));
    navigate('/dashboard', { replace: true });
  });

  return (
    <div className="landing">
      <section className="landing-intro" aria-labelledby="landing-title">
        <h1 id="landing-title">Co~Learn: practise a language by talking, in small live groups</h1>
        <p>
          Book a seat in a conversation session led by a facilitator, meet the group on video, and learn as you go.
        </p>
        <ul className="landing-points">
          <li>Weekly or one-off sessions by level and topic, with a few seats each.</li>
          <li>Chat that is kept, live captions, and <code>/define</code> for any word you meet.</li>
          <li>Your own notebook of words from each session, to review later.</li>
        </ul>
        <p>
          <Link to="/sign-up">Create a free account</Link> to book, or sign in here.
        </p>
      </section>
      <section className="card auth-card" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <form onSubmit={onSubmit}>
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <Alert>{error}</Alert>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
      </section>
    </div>
  );
}
