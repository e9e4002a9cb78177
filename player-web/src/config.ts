/**
 * The page's configuration: the JSON in `<script id="rewind-config" type="application/json">`
 * that the server writes into `/v/{streamId}` (see README.md).
 */
export interface PlayerConfig {
  readonly streamId: string;
  /** The media playlist, `/live/{streamId}/index.m3u8`. */
  readonly playlist: string;
  /** Where to POST to renew the grant cookie, `/v/{streamId}/grant`. */
  readonly grantUrl: string;
  /** When the grant set with the page expires (ISO 8601); empty when unknown. */
  readonly grantExpiresAt: string;
  /** The signed-in viewer's e-mail address. */
  readonly email: string;
  /** Where the sign-out form posts to. */
  readonly signOutUrl: string;
}

const REQUIRED = ['streamId', 'playlist', 'grantUrl', 'signOutUrl'] as const;
const OPTIONAL = ['grantExpiresAt', 'email'] as const;

/** Reads the configuration, naming the first field that is missing or not a string. */
export function parseConfig(json: string): PlayerConfig {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`rewind-config must be a JSON object (got ${json.slice(0, 40)})`);
  }
  const fields = value as Record<string, unknown>;
  for (const name of REQUIRED) {
    if (typeof fields[name] !== 'string' || fields[name] === '') {
      throw new Error(`rewind-config: "${name}" must be a non-empty string (got ${fields[name]})`);
    }
  }
  for (const name of OPTIONAL) {
    if (fields[name] !== undefined && typeof fields[name] !== 'string') {
      throw new Error(`rewind-config: "${name}" must be a string (got ${fields[name]})`);
    }
  }
  return {
    streamId: fields.streamId as string,
    playlist: fields.playlist as string,
    grantUrl: fields.grantUrl as string,
    grantExpiresAt: (fields.grantExpiresAt as string | undefined) ?? '',
    email: (fields.email as string | undefined) ?? '',
    signOutUrl: fields.signOutUrl as string,
  };
}
