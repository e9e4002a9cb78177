-- What packaging records about a broadcast once its media flows, for the playlists.

-- EXT-X-TARGETDURATION in seconds, fixed by the first segment for the life of the broadcast
alter table broadcasts add column target_duration integer check (target_duration > 0);
-- the multivariant playlist's CODECS, RESOLUTION and FRAME-RATE, from the newest init segment
alter table broadcasts add column codecs text;
alter table broadcasts add column width integer;
alter table broadcasts add column height integer;
alter table broadcasts add column frame_rate double precision;

-- retention: ended broadcasts by age
create index broadcasts_ended on broadcasts (ended_at) where state = 'ended';
