// hls.js publishes the light build (no subtitles, alternate audio, DRM, CMCD, content steering
// or interstitials, none of which Rewind serves) without types of its own; its API is the same.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
