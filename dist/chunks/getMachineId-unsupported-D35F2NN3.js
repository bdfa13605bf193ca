#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{e as o}from"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";async function e(){o.debug("could not read machine-id: unsupported platform")}export{e as getMachineId};
