#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-3QWMN737.js";import"./chunk-NKUB4BPF.js";import"./chunk-RRT3QZPR.js";import"./chunk-KNJDIAYK.js";import"./chunk-PYI24KPI.js";import"./chunk-UIMCQXAM.js";import"./chunk-JS6MAIIY.js";import"./chunk-Y3NZSEUK.js";import"./chunk-POUFYMXX.js";import"./chunk-YDKZYFPW.js";import"./chunk-Z27JRRII.js";import"./chunk-3QKZT7ZR.js";export{a as PUBLISH_STAGES,b as publishReport};
