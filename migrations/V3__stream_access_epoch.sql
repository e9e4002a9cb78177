-- A stream's access version starts at its creation time in milliseconds, and a revocation moves
-- it to at least the time of the revocation: a stream deleted and created again under the same id
-- never takes back the grants and playback tokens of the one before.
alter table streams alter column access_version type bigint;
alter table streams
    alter column access_version set default (extract(epoch from clock_timestamp()) * 1000)::bigint;
