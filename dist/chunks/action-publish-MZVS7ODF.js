#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{i as a,j as b,k as c}from"./chunk-6JP66KYH.js";import"./chunk-RCFNU3HK.js";import"./chunk-R2557EEB.js";import"./chunk-VVBGGSQ7.js";import"./chunk-YCYJYOWR.js";import"./chunk-B4INRZR7.js";import"./chunk-3QKZT7ZR.js";export{a as clientFor,c as publishReport,b as shouldCreateComment};
