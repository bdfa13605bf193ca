#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-ZVUEV64N.js";import"./chunk-KXJ3HWMG.js";import"./chunk-RRT3QZPR.js";import"./chunk-I2KPXUBC.js";import"./chunk-PYI24KPI.js";import"./chunk-P47FXD4V.js";import"./chunk-JS6MAIIY.js";import"./chunk-Y3NZSEUK.js";import"./chunk-LJWXUBXH.js";import"./chunk-MOMCKFDC.js";import"./chunk-WZNXKTWB.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,b as publishReport};
