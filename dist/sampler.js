#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a as r,d as s,e}from"./chunks/chunk-PLH5S6YU.js";import"./chunks/chunk-4O7RQIWS.js";import"./chunks/chunk-TXVPD3FO.js";import"./chunks/chunk-EU7CBEFH.js";import"./chunks/chunk-LSV4CR6C.js";import"./chunks/chunk-DY5G4Z2J.js";import"./chunks/chunk-WZNXKTWB.js";import"./chunks/chunk-3QKZT7ZR.js";try{await s(e(process.argv.slice(2)))}catch(o){process.stderr.write(`ml-footprint sampler: ${o.message}
`),process.exitCode=2}r()&&process.kill(process.pid,"SIGKILL");
