// Who is signed in: shared by the header, the router guard and every screen that offers actions.
// One module-level reactive object (no store library): every caller of useSession() gets the same
// state, and its fields read as plain values (`session.profile`), as a Pinia store's would.
import type { Schemas } from "@suishoupai/api";
import { toMessage } from "@suishoupai/api";
import { reactive, ref } from "vue";
import { api } from "../api";
import type { Authenticator } from "../auth/types";

export type Profile = Schemas["StaffProfile"];

let authenticator: Authenticator | null = null;

export function useAuthenticator(auth: Authenticator) {
  authenticator = auth;
}

export function currentAuthenticator(): Authenticator | null {
  return authenticator;
}

function createSession() {
  const profile = ref<Profile | null>(null);
  const error = ref<string | null>(null);

  /** Loads the profile if a token is at hand; false when the person must sign in. */
  async function restore(): Promise<boolean> {
    if (profile.value) return true;
    if (!(await authenticator?.token())) return false;
    const { data, error: failure } = await api().GET("/v1/staff/me");
    if (!data) {
      error.value = toMessage(failure);
      return false;
    }
    profile.value = data;
    error.value = null;
    return true;
  }

  async function signIn(returnTo: string) {
    await authenticator?.signIn(returnTo);
  }

  async function signOut() {
    profile.value = null;
    await authenticator?.signOut();
  }

  /** The token ran out or was refused: forget the person; the router sends them to sign in. */
  function expire() {
    profile.value = null;
  }

  return reactive({ profile, error, restore, signIn, signOut, expire });
}

const session = createSession();

export function useSession() {
  return session;
}
