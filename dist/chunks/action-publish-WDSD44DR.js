#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{h as a,i as b,j as c}from"./chunk-NESHGWTK.js";import"./chunk-F7AK4RB7.js";import"./chunk-CCKCBIW5.js";import"./chunk-VVBGGSQ7.js";import"./chunk-YCYJYOWR.js";import"./chunk-B4INRZR7.js";import"./chunk-3QKZT7ZR.js";export{a as clientFor,c as publishReport,b as shouldCreateComment};
