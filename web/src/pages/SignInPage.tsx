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
    <section className="card auth-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <form onSubmit={onSubmit}>
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <Alert>{error}</Alert>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
    </section>
  );
}
