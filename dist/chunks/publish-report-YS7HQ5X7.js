#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b,d as c}from"./chunk-EP6CMVPV.js";import"./chunk-KGC3LWSX.js";import"./chunk-RRT3QZPR.js";import"./chunk-WEXF7XNM.js";import"./chunk-CG3D54E7.js";import"./chunk-QBJPLZ65.js";import"./chunk-JS6MAIIY.js";import"./chunk-3JQ25IF6.js";import"./chunk-VFMQQMZY.js";import"./chunk-6XRC2Z3I.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,c as publishReport,b as shouldCreateComment};
