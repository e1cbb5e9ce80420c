#!/usr/bin/env node
/*
 * Our patch to a dependency: kafkajs 2.2.4 (unmaintained upstream, no release since 2023), a hot
 * spot of its produce path, checked by sha256 before and after.
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
 * Runs as the root package's postinstall (npm ci / npm install), from scripts/ensure-deps.sh, and
 * explicitly in the Dockerfile (whose installs use --ignore-scripts); idempotent. Any other content
 * of a file — a kafkajs upgrade — fails loudly: review the patch against the new version, then
 * update the hashes. `require`d, it only exports the list (the spec reads it).
 */
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const PATCHES = [
  {
    module: 'kafkajs/src/protocol/encoder.js',
    originalSha256: '9977889e184a9e910e4f6098c36ec6a0ca36c183aa6ead0f24191b6aa1c9a777',
    patchedSha256: '315d41b5defc8e8bebb8d1e68ad2c818084654eea640162ea8c21a0bc5aec57f',
    // the constructor and ensureAvailable
    apply: (source) => (source.split('Buffer.alloc(').length - 1 === 2 ? source.split('Buffer.alloc(').join('Buffer.allocUnsafe(') : source),
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
