// Who is signed in. The sign-in cookie is HttpOnly, so the page asks the API (/api/auth/me).

import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api } from '../lib/api';
import type { Role, SignInReply, User } from '../lib/types';

interface Auth {
  user: User | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<User>;
  signUp(fields: { email: string; password: string; display_name: string; role: Role }): Promise<User>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    api
      .get<User>('/api/auth/me')
      .then(setUser)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 401)) console.warn(error);
      })
      .finally(() => setLoading(false));
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const reply = await api.post<SignInReply>('/api/auth/sign-in', { email, password });
    setUser(reply.user);
    return reply.user;
  }, []);

  const signUp = useCallback<Auth['signUp']>(
    async (fields) => {
      await api.post<User>('/api/accounts', fields);
      return signIn(fields.email, fields.password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post<void>('/api/auth/sign-out');
    } finally {
      setUser(null);
    }
  }, []);

  return (
    <AuthContext.Provider value={{ user, loading, signIn, signUp, signOut }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an AuthProvider');
  return auth;
}
