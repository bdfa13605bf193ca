#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{f as r}from"./chunks/chunk-IUBR4ODE.js";import"./chunks/chunk-YVNMTT6D.js";import"./chunks/chunk-VVBGGSQ7.js";import"./chunks/chunk-YCYJYOWR.js";import"./chunks/chunk-3QKZT7ZR.js";import{fileURLToPath as i}from"node:url";await r(i(new URL("./cli.js",import.meta.url)));
