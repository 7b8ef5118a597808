// Regenerates src/onnx/onnx-schema.json, the protobufjs schema for ONNX, from the ONNX 1.20 FileDescriptorProto
// that the npm package onnx-buf embeds (a dev dependency). See docs/design/onnx-codec.md for why.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';

const require = createRequire(import.meta.url);
const generated = readFileSync(require.resolve('onnx-buf'), 'utf8');
const match = /fileDesc\("([^"]*)"/.exec(generated);
if (!match) throw new Error('onnx-buf no longer embeds a fileDesc("…") descriptor');
const descriptor = protobuf.descriptor.FileDescriptorProto.decode(Buffer.from(match[1], 'base64'));
const root = protobuf.Root.fromDescriptor({ file: [descriptor] });
const out = new URL('../src/onnx/onnx-schema.json', import.meta.url);
writeFileSync(out, JSON.stringify(root.toJSON(), null, 1) + '\n');
console.log(`wrote ${out.pathname}`);
