#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-M4XIQ6MU.js";import"./chunk-WZNXKTWB.js";import"./chunk-3QKZT7ZR.js";export{e as endpointForLog,c as otlpProtocol,a as parseOtlpEndpoint,b as parseOtlpHeaders,d as resolveOtlpTarget};
