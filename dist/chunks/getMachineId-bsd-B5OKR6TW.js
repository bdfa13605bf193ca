#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a as i}from"./chunk-MMGADQAB.js";import{e}from"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";import{promises as t}from"fs";async function c(){try{return(await t.readFile("/etc/hostid",{encoding:"utf8"})).trim()}catch(r){e.debug(`error reading machine id: ${r}`)}try{return(await i("kenv -q smbios.system.uuid")).stdout.trim()}catch(r){e.debug(`error reading machine id: ${r}`)}}export{c as getMachineId};
