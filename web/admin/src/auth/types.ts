/** How the site gets a staff token: OpenID Connect when deployed, /dev/token in a local build. */
export interface Authenticator {
  /** The current ID token, renewed if it can be; null once the session is over. */
  token(): Promise<string | null>;
  /** Sends the person to sign in; `returnTo` is the page to come back to. */
  signIn(returnTo: string): Promise<void>;
  signOut(): Promise<void>;
}
