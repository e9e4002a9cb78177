package dev.rewind.packaging;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.SegmentRepository;
import dev.rewind.storage.MediaSpool;

/** Where a broadcast's objects and rows go. */
record Stores(MediaSpool spool, BroadcastRepository broadcasts, SegmentRepository segments) {}
