// webrtc-adapter ships no types for its utils module; this is the one function the SDK uses.
declare module 'webrtc-adapter/src/js/utils.js' {
  export function detectBrowser(window: Window): {
    browser: string | null;
    version: number | null;
    supportsUnifiedPlan?: boolean;
  };
}
