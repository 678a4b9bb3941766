import { useAuth } from '../auth/AuthProvider';
import { Link, navigate } from '../lib/router';

export function Header() {
  const { user, signOut } = useAuth();
  const leave = async () => {
    await signOut();
    navigate('/sign-in');
  };
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link to={user ? '/dashboard' : '/sign-in'} className="brand">
        Co~Learn
      </Link>
      {user ? (
        <div className="header-user">
          <span className="header-name">
            {user.display_name} <span className="role-tag">{user.role}</span>
          </span>
          <button type="button" className="button secondary" onClick={leave}>
            Sign out
          </button>
        </div>
      ) : null}
    </header>
  );
}
