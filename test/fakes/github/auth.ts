import type { IncomingHttpHeaders } from "node:http";
import type { FakeGitHubState } from "./state.js";
import type { TokenGrant } from "./token-grants.js";

export type RestAuth = { kind: "jwt"; jwt: string } | { kind: "token"; token: string; grant: TokenGrant } | { kind: "none" };

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** Reads `Authorization: token X` / `Bearer X`. A Bearer value shaped like a JWT is the app's JWT. */
export function readRestAuth(state: FakeGitHubState, headers: IncomingHttpHeaders): RestAuth {
  const match = /^(token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? "");
  const value = match?.[2];
  if (value === undefined) return { kind: "none" };
  const grant = state.tokens.get(value);
  if (grant) return { kind: "token", token: value, grant };
  if (match?.[1]?.toLowerCase() === "bearer" && JWT_SHAPE.test(value)) return { kind: "jwt", jwt: value };
  return { kind: "none" };
}

/** The grant of the token in HTTP Basic `x-access-token:<an issued token>`, the way GitHub Apps authenticate git. */
export function gitTokenGrant(state: FakeGitHubState, headers: IncomingHttpHeaders): TokenGrant | undefined {
  const match = /^basic\s+(\S+)$/i.exec(headers.authorization ?? "");
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return decoded.slice(0, colon) === "x-access-token" ? state.tokens.get(decoded.slice(colon + 1)) : undefined;
}

export const BAD_CREDENTIALS = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" };

export const JWT_REQUIRED = {
  message: "A JSON web token could not be decoded",
  documentation_url: "https://docs.github.com/rest",
  status: "401",
};
