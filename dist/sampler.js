#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{c as r,d as e}from"./chunks/chunk-ETBWZP5W.js";import"./chunks/chunk-4O7RQIWS.js";import"./chunks/chunk-TXVPD3FO.js";import"./chunks/chunk-EU7CBEFH.js";import"./chunks/chunk-LSV4CR6C.js";import"./chunks/chunk-DY5G4Z2J.js";import"./chunks/chunk-WZNXKTWB.js";import"./chunks/chunk-3QKZT7ZR.js";try{await r(e(process.argv.slice(2)))}catch(s){process.stderr.write(`ml-footprint sampler: ${s.message}
`),process.exitCode=2}
