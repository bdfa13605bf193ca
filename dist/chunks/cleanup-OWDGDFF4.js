#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as i}from"./chunk-KXKTURZE.js";import"./chunk-MOMCKFDC.js";import{g as o}from"./chunk-DY5G4Z2J.js";import"./chunk-3QKZT7ZR.js";async function a({core:t,env:e}){let p=i(t,e),n=await o(p);n==="not-running"?t.info("ml-footprint: the finish step reported this job; nothing to clean up"):t.info(`ml-footprint: a sampler was still running after the finish step; ${n} it`)}export{a as cleanupStep};
