-- Rewind's catalog: streams, their broadcasts and segments, signing keys and API tokens.
-- Times are UTC timestamptz; media durations are integers in microseconds.

create table streams (
    id                  text primary key
                        check (id ~ '^[a-z0-9][a-z0-9-]{2,62}$'),
    -- keyset paging of GET /api/streams, newest first
    seq                 bigint generated always as identity unique,
    title               text not null check (length(title) between 1 and 200),
    stream_key_sha256   bytea not null unique check (length(stream_key_sha256) = 32),
    viewer_emails       text[] not null default '{}',
    viewer_domains      text[] not null default '{}',
    -- 0 lists the whole broadcast
    dvr_window_seconds  integer not null default 0 check (dvr_window_seconds >= 0),
    retention_days      integer not null default 30 check (retention_days >= 1),
    -- bumped to invalidate every viewer grant and playback token issued so far
    access_version      integer not null default 0,
    -- the next media sequence number, so that it never decreases for a stream
    next_media_sequence bigint not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    key_rotated_at      timestamptz not null default now()
);

create table broadcasts (
    id          text primary key,
    stream_id   text not null references streams (id) on delete cascade,
    state       text not null check (state in ('live', 'ended')),
    started_at  timestamptz not null,
    ended_at    timestamptz,
    -- client closed, idle, replaced, key rotated, protocol error, ...
    end_reason  text,
    -- the replica that ingests it, so that others know where live parts are
    ingest_node text,
    check ((state = 'live') = (ended_at is null))
);

-- the current broadcast of a stream: at most one is live
create unique index broadcasts_live_per_stream on broadcasts (stream_id) where state = 'live';
-- a stream's broadcasts, newest first
create index broadcasts_by_stream on broadcasts (stream_id, started_at desc);

create table segments (
    broadcast_id           text not null references broadcasts (id) on delete cascade,
    media_sequence         bigint not null check (media_sequence >= 0),
    duration_us            bigint not null check (duration_us > 0),
    program_date_time      timestamptz not null,
    discontinuity          boolean not null default false,
    discontinuity_sequence integer not null default 0,
    -- which init segment (EXT-X-MAP) applies
    init_number            integer not null default 0,
    independent            boolean not null default true,
    object_key             text not null,
    size_bytes             bigint not null check (size_bytes >= 0),
    created_at             timestamptz not null default now(),
    -- segments of a broadcast by sequence
    primary key (broadcast_id, media_sequence)
);

create table signing_keys (
    kid                 text primary key,
    algorithm           text not null check (algorithm = 'ES256'),
    public_jwk          text not null,
    -- AES-256-GCM under the master key: 12-byte nonce, then ciphertext and tag; AAD is the kid
    private_jwk_sealed  bytea not null,
    created_at          timestamptz not null default now(),
    retired_at          timestamptz,
    -- a retired key verifies tokens until the last one it can have signed expires
    verify_until        timestamptz,
    check ((retired_at is null) = (verify_until is null))
);

create index signing_keys_by_age on signing_keys (created_at desc);

create table api_tokens (
    id          text primary key,
    scopes      text[] not null,
    description text,
    kid         text not null,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    revoked_at  timestamptz
);

-- a deleted stream's broadcasts whose media are still to be deleted from storage
create table media_deletions (
    id           bigint generated always as identity primary key,
    stream_id    text not null,
    broadcast_id text not null,
    requested_at timestamptz not null default now(),
    -- a replica working on the row holds it until then
    leased_until timestamptz,
    attempts     integer not null default 0,
    last_error   text
);
