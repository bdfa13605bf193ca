#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a as i}from"./chunks/chunk-MDKF2BHP.js";import"./chunks/chunk-JWZT3VH3.js";import"./chunks/chunk-XUPU4SLT.js";import"./chunks/chunk-DTFCO62A.js";import"./chunks/chunk-QWGG4WME.js";import"./chunks/chunk-ANRH7OEM.js";import"./chunks/chunk-LPGMWJBQ.js";import"./chunks/chunk-3QKZT7ZR.js";import{fileURLToPath as m}from"node:url";await i("main",m(new URL("./cli.js",import.meta.url)));
