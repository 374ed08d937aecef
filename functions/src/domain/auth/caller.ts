/** Who is calling the API: the uid and claims of a verified Firebase ID token. */
export interface Caller {
  uid: string;
  email?: string;
  admin: boolean;
}
