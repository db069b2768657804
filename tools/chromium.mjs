// The one place that says how to start Debian's Chromium here: as root it needs --no-sandbox,
// and without the background-networking flags it tries (and fails) to reach Google's hosts.
// Used by the e2e tests, the cross-engine runner and the benchmark.

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
