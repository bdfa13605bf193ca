#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b,d as c}from"./chunk-K6BGLZZB.js";import"./chunk-XEKVOAHD.js";import"./chunk-RRT3QZPR.js";import"./chunk-7NRJZQVN.js";import"./chunk-CG3D54E7.js";import"./chunk-4WI5AY6M.js";import"./chunk-JS6MAIIY.js";import"./chunk-CYHEDFHZ.js";import"./chunk-OTN634GX.js";import"./chunk-6XRC2Z3I.js";import"./chunk-LPGMWJBQ.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,c as publishReport,b as shouldCreateComment};
