#!/usr/bin/env node
// A stand-in for a browser, used as `BROWSER="node follow-browser.mjs"`: it GETs the URL it is
// given and follows every redirect (issuer authorize -> loopback callback -> /success), as a
// browser would after the user clicks "Continue". With FOLLOW_BROWSER_LOG set it appends the
// final URL's status and path there, so a test can see that it ran and what it was shown. With
// FOLLOW_BROWSER_SUCCESS_DELAY_MS it waits that long before loading /success, like a slow browser.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

let url = process.argv[2];
if (!url) process.exit(64);
const successDelayMs = Number(process.env.FOLLOW_BROWSER_SUCCESS_DELAY_MS ?? 0);
let response;
for (let hops = 0; ; hops++) {
  if (hops > 10) process.exit(65);
  if (new URL(url).pathname === '/success' && successDelayMs > 0) await sleep(successDelayMs);
  try {
    response = await fetch(url, { redirect: 'manual' });
  } catch (error) {
    if (process.env.FOLLOW_BROWSER_LOG) {
      appendFileSync(process.env.FOLLOW_BROWSER_LOG, `failed ${new URL(url).pathname}\n`);
    }
    throw error;
  }
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) break;
  url = new URL(location, url).href;
}
if (process.env.FOLLOW_BROWSER_LOG) {
  appendFileSync(process.env.FOLLOW_BROWSER_LOG, `${response.status} ${new URL(url).pathname}\n`);
}
