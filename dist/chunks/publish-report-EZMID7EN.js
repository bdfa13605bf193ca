#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-FRSHQZ5F.js";import"./chunk-YBFMS3YW.js";import"./chunk-RRT3QZPR.js";import"./chunk-HTAVV3AT.js";import"./chunk-PYI24KPI.js";import"./chunk-J5ASYDH3.js";import"./chunk-JS6MAIIY.js";import"./chunk-WWXCLGDV.js";import"./chunk-HOGK46G3.js";import"./chunk-MOMCKFDC.js";import"./chunk-WZNXKTWB.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,b as publishReport};
