#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{i as a,j as b,k as c}from"./chunk-HP3IIBHC.js";import"./chunk-IUBR4ODE.js";import"./chunk-YVNMTT6D.js";import"./chunk-VVBGGSQ7.js";import"./chunk-YCYJYOWR.js";import"./chunk-B4INRZR7.js";import"./chunk-3QKZT7ZR.js";export{a as clientFor,c as publishReport,b as shouldCreateComment};
