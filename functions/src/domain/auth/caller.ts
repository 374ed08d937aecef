/** Who is calling the API: the uid and claims of a verified Firebase ID token. */
export interface Caller {
  uid: string;
  email?: string;
  /**
   * Whether the identity provider vouches for `email` (the ID token's `email_verified` claim). An
   * address anyone can type at sign-up must not adopt an existing CRM contact as the user's own.
   */
  emailVerified?: boolean;
  admin: boolean;
}
