#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a as e}from"./chunk-GRH32KQV.js";import{c as n}from"./chunk-3JQ25IF6.js";import{g as i}from"./chunk-PEX5C73W.js";import"./chunk-6XRC2Z3I.js";import"./chunk-3QKZT7ZR.js";async function m({core:t,env:r}){let p=t.getState(n.StateDir)||e(r),o=await i(p);o==="not-running"?t.info("ml-footprint: the finish step reported this job; nothing to clean up"):t.info(`ml-footprint: a sampler was still running after the finish step; ${o} it`)}export{m as cleanupStep};
