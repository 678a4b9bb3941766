import { useAuth } from '../auth/AuthProvider';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import type { Role } from '../lib/types';
import { Link, navigate } from '../lib/router';
import { useSubmit } from '../lib/useSubmit';

export function SignUpPage() {
  const { signUp } = useAuth();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    await signUp({
      display_name: String(form.get('display_name')),
      email: String(form.get('email')),
      password: String(form.get('password')),
      role: String(form.get('role')) as Role,
    });
    navigate('/dashboard', { replace: true });
  });

  return (
    <section className="card auth-card" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Create an account</h1>
      <form onSubmit={onSubmit}>
        <Field label="Your name" name="display_name" autoComplete="name" required maxLength={80} />
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters; a short sentence is easy to remember."
        />
        <fieldset className="choice">
          <legend>I want to</legend>
          <label>
            <input type="radio" name="role" value="participant" defaultChecked /> learn (participant)
          </label>
          <label>
            <input type="radio" name="role" value="facilitator" /> run sessions (facilitator)
          </label>
        </fieldset>
        <Alert>{error}</Alert>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
