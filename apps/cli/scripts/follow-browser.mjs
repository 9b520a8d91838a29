#!/usr/bin/env node
// A stand-in for a browser, used as `BROWSER="node follow-browser.mjs"`: it GETs the URL it is
// given and follows every redirect (issuer authorize -> loopback callback -> /success), as a
// browser would after the user clicks "Continue". With FOLLOW_BROWSER_LOG set it appends the
// final URL's path there, so a test can see that it ran.
import { appendFileSync } from 'node:fs';

const url = process.argv[2];
if (!url) process.exit(64);
const response = await fetch(url, { redirect: 'follow' });
await response.arrayBuffer();
if (process.env.FOLLOW_BROWSER_LOG) {
  appendFileSync(
    process.env.FOLLOW_BROWSER_LOG,
    `${response.status} ${new URL(response.url).pathname}\n`,
  );
}
