#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-QWKCERZ5.js";import"./chunk-F3XFWXES.js";import"./chunk-RRT3QZPR.js";import"./chunk-FQPU2E3T.js";import"./chunk-PYI24KPI.js";import"./chunk-SHYF3H43.js";import"./chunk-JS6MAIIY.js";import"./chunk-WWXCLGDV.js";import"./chunk-HOGK46G3.js";import"./chunk-MOMCKFDC.js";import"./chunk-WZNXKTWB.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,b as publishReport};
