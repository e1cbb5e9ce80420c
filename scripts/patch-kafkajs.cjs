#!/usr/bin/env node
/*
 * Our patches to a dependency: kafkajs 2.2.4 (unmaintained upstream, no release since 2023),
 * each file checked by sha256 before and after.
 *
 * src/protocol/encoder.js — the Encoder allocates every buffer with `Buffer.alloc`: a separate,
 *    zero-filled ArrayBuffer of at least 512 bytes for each record, each record header and each
 * request, grown by another one when a record is larger. `Buffer.allocUnsafe` takes small
 * buffers from Node's shared 8 KiB pool instead. Safe because the Encoder only ever exposes
 * `buf.slice(0, offset)` and writes every byte below `offset` in order
 * (libs/common/io/src/kafka/kafkajs-patches.spec.ts proves the output is byte-identical whatever
 * the allocated memory held). Encoding a 600-byte record 4.2 → 1.6 µs, a header 2.4 → 1.0 µs.
 * (Also tried: making groupMessagesPerPartition linear — it is quadratic in the messages per
 * partition — but the Kafka bench was mixed, passthroughs slower: not adopted. docs/benchmarks.md.)
 *
 * src/network/requestQueue/index.js — after every response, scheduleCheckPendingRequests arms a
 *    timer for `throttledUntil - Date.now()` even when no request is pending. Unthrottled,
 * throttledUntil is -1, so the delay is about minus the epoch in ms: Node clamps it to 1 ms (and
 * Node 24 prints `TimeoutNegativeWarning: -17… is a negative number`), the timer finds nothing
 * to send and arms the next one: a 1 ms loop per broker connection for the life of the client
 * (upstream kafkajs#1704, #1751; ~850 timers/s per idle connection measured). The patch arms the
 * timer only while requests are pending, with the same delays as before (the throttle's end, else
 * 10 ms); push() arms it again when a request has to wait. The spec drives the real RequestQueue.
 *
 * Runs as the root package's postinstall (npm ci / npm install), from scripts/ensure-deps.sh, and
 * explicitly in the Dockerfile (whose installs use --ignore-scripts); idempotent. Any other content
 * of a file — a kafkajs upgrade — fails loudly: review the patch against the new version, then
 * update the hashes. `require`d, it only exports the list (the spec reads it).
 */
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const REQUEST_QUEUE_ORIGINAL = `    let scheduleAt = this.throttledUntil - Date.now()
    if (!this.throttleCheckTimeoutId) {
      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
      this.throttleCheckTimeoutId = setTimeout(() => {
        this.throttleCheckTimeoutId = null
        this.checkPendingRequests()
      }, scheduleAt)
    }
`;
const REQUEST_QUEUE_PATCHED = `    // iocflow patch (scripts/patch-kafkajs.cjs): nothing pending, nothing to check (push() schedules
    // again), so no timer; the original armed one with a negative delay after every response.
    if (!this.throttleCheckTimeoutId && this.pending.length > 0) {
      const throttledFor = this.throttledUntil - Date.now()
      this.throttleCheckTimeoutId = setTimeout(() => {
        this.throttleCheckTimeoutId = null
        this.checkPendingRequests()
      }, throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL)
    }
`;

/** The source with `from` replaced by `to`, or unchanged unless `from` occurs exactly once. */
function replaceOnce(source, from, to) {
  return source.split(from).length === 2 ? source.replace(from, () => to) : source;
}

const PATCHES = [
  {
    module: 'kafkajs/src/protocol/encoder.js',
    originalSha256: '9977889e184a9e910e4f6098c36ec6a0ca36c183aa6ead0f24191b6aa1c9a777',
    patchedSha256: '315d41b5defc8e8bebb8d1e68ad2c818084654eea640162ea8c21a0bc5aec57f',
    // the constructor and ensureAvailable
    apply: (source) => (source.split('Buffer.alloc(').length - 1 === 2 ? source.split('Buffer.alloc(').join('Buffer.allocUnsafe(') : source),
  },
  {
    module: 'kafkajs/src/network/requestQueue/index.js',
    originalSha256: 'b55986089c14f8f7bfc377922e2e65b3e4c1e7c7af2752d3b10a75dfe9e9260c',
    patchedSha256: '46797fae1929de46718f2f47ec4fa31f2f9159e1b996ca8c5323d6597ea29c3e',
    // scheduleCheckPendingRequests: a timer only while something is pending, never a negative delay
    apply: (source) => replaceOnce(source, REQUEST_QUEUE_ORIGINAL, REQUEST_QUEUE_PATCHED),
  },
];

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** Applies every patch; returns false (after saying why) when a file is neither the original nor the patched one. */
function patchAll(root) {
  let ok = true;
  for (const patch of PATCHES) {
    const file = require.resolve(patch.module, { paths: [root] });
    const source = readFileSync(file, 'utf8');
    const label = path.relative(root, file);
    if (sha256(source) === patch.patchedSha256) {
      console.log(`patch-kafkajs: ${label} already patched`);
      continue;
    }
    if (sha256(source) !== patch.originalSha256) {
      console.error(`patch-kafkajs: ${file} is not kafkajs 2.2.4's (sha256 ${sha256(source)}); review scripts/patch-kafkajs.cjs for this version`);
      ok = false;
      continue;
    }
    const patched = patch.apply(source);
    if (sha256(patched) !== patch.patchedSha256) {
      console.error(`patch-kafkajs: the patched ${label} is not the reviewed one; not written`);
      ok = false;
      continue;
    }
    writeFileSync(file, patched);
    console.log(`patch-kafkajs: ${label} patched`);
  }
  return ok;
}

module.exports = { PATCHES, sha256 };

if (require.main === module) {
  process.exit(patchAll(path.resolve(__dirname, '..')) ? 0 : 1);
}
